package io.fhs.connectors.qdrant;

import io.grpc.ChannelCredentials;
import io.grpc.DecompressorRegistry;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Where a Qdrant server listens (gRPC) and how to authenticate. Serializable so sinks and operators
 * can carry it to the TaskManagers, where each builds its own client.
 *
 * <p>The API key is never logged: {@link #toString()} masks it.
 */
@PublicEvolving
public final class QdrantConnection implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_HTTP_PORT = 6333;
    public static final int DEFAULT_GRPC_PORT = 6334;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int grpcPort;
    private final boolean tls;
    private final String apiKey;
    private final Duration timeout;
    // A path rather than the certificate: each TaskManager reads it where it runs.
    private final String caFile;

    public QdrantConnection(
            String host, int grpcPort, boolean tls, String apiKey, Duration timeout) {
        this(host, grpcPort, tls, apiKey, timeout, null);
    }

    private QdrantConnection(
            String host,
            int grpcPort,
            boolean tls,
            String apiKey,
            Duration timeout,
            String caFile) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("Qdrant host must not be empty");
        }
        if (grpcPort < 1 || grpcPort > 65535) {
            throw new IllegalArgumentException(
                    "Qdrant gRPC port must be 1..65535, got " + grpcPort);
        }
        this.host = host;
        this.grpcPort = grpcPort;
        this.tls = tls;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.caFile = caFile;
    }

    public static QdrantConnection local(int grpcPort) {
        return new QdrantConnection("127.0.0.1", grpcPort, false, null, DEFAULT_TIMEOUT);
    }

    /**
     * Parses a Qdrant URL such as {@code http://127.0.0.1:6333} or {@code https://host:6334}: https
     * means TLS; the REST port 6333 (or no port) maps to the gRPC port 6334 beside it, any other
     * port is taken as the gRPC port.
     */
    public static QdrantConnection fromUrl(String url, String apiKey) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Qdrant URL '" + url + "' is not a valid URL", e);
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            throw new IllegalArgumentException(
                    "Qdrant URL '" + url + "' needs a scheme and host, e.g. http://127.0.0.1:6333");
        }
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort();
        int grpc = port < 0 || port == DEFAULT_HTTP_PORT ? DEFAULT_GRPC_PORT : port;
        return new QdrantConnection(uri.getHost(), grpc, tls, apiKey, DEFAULT_TIMEOUT);
    }

    /** {@code QDRANT_URL} and {@code QDRANT_API_KEY} from the environment, or null when unset. */
    public static QdrantConnection fromEnvironment() {
        String url = System.getenv("QDRANT_URL");
        return url == null || url.isBlank() ? null : fromUrl(url, System.getenv("QDRANT_API_KEY"));
    }

    public QdrantConnection withTimeout(Duration newTimeout) {
        return new QdrantConnection(host, grpcPort, tls, apiKey, newTimeout, caFile);
    }

    /**
     * Trusts the PEM certificate(s) in {@code pemFile} instead of the JVM's default CAs (e.g. a
     * self-signed server certificate); null keeps the defaults. Needs a TLS (https) connection.
     */
    public QdrantConnection withCaFile(String pemFile) {
        if (pemFile == null || pemFile.isBlank()) {
            return new QdrantConnection(host, grpcPort, tls, apiKey, timeout, null);
        }
        if (!tls) {
            throw new IllegalArgumentException(
                    "A CA file (" + pemFile + ") needs an https Qdrant URL, got " + this);
        }
        if (!Files.isReadable(Path.of(pemFile))) {
            throw new IllegalArgumentException(
                    "Qdrant CA file " + pemFile + " does not exist or is not readable");
        }
        return new QdrantConnection(host, grpcPort, tls, apiKey, timeout, pemFile);
    }

    /**
     * A new client; the caller closes it, which also stops the client's own threads.
     *
     * <p>The channel advertises no response compression: with gzip, Qdrant 1.16's gRPC server and
     * grpc-java intermittently fail larger responses with "INTERNAL: Encountered end-of-stream
     * mid-frame" (reproduced here: 19 of 400 searches with gzip, 0 of 400 without).
     *
     * <p>Each client has its own Netty event loop and callback executor rather than grpc's JVM-wide
     * shared ones: in a Flink session cluster the shared threads outlive a cancelled job's
     * classloader and then fail to load classes from it.
     */
    public QdrantClient open() {
        NioEventLoopGroup loop = new NioEventLoopGroup(1, daemon("qdrant-grpc-io"));
        ExecutorService callbacks = Executors.newCachedThreadPool(daemon("qdrant-grpc-callback"));
        ManagedChannel channel =
                NettyChannelBuilder.forAddress(host, grpcPort, credentials())
                        .eventLoopGroup(loop)
                        .channelType(NioSocketChannel.class)
                        .executor(callbacks)
                        .decompressorRegistry(DecompressorRegistry.emptyInstance())
                        .build();
        QdrantGrpcClient.Builder builder =
                QdrantGrpcClient.newBuilder(channel, true).withTimeout(timeout);
        if (apiKey != null) {
            builder.withApiKey(apiKey);
        }
        return new QdrantClient(builder.build()) {
            @Override
            public void close() {
                try {
                    super.close();
                } finally {
                    callbacks.shutdown();
                    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                }
            }
        };
    }

    private ChannelCredentials credentials() {
        if (!tls) {
            return InsecureChannelCredentials.create();
        }
        if (caFile == null) {
            return TlsChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder().trustManager(new File(caFile)).build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Qdrant CA file " + caFile, e);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> QdrantFutures.daemon(name, r);
    }

    public String host() {
        return host;
    }

    public int grpcPort() {
        return grpcPort;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://")
                + host
                + ":"
                + grpcPort
                + (apiKey != null ? " (api key set)" : "")
                + (caFile != null ? " (CA " + caFile + ")" : "");
    }
}
