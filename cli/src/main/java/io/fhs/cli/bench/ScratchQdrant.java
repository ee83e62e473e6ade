package io.fhs.cli.bench;

import io.fhs.cli.drill.ClusterControl;
import io.fhs.connectors.qdrant.QdrantConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Qdrant process of a benchmark's own: the binary {@code bin/fhs local up} installed, on free
 * loopback ports, with empty storage in a temporary directory, so that its memory and disk hold
 * nothing but what the benchmark writes. Closing it kills the process and deletes the storage.
 */
public final class ScratchQdrant implements AutoCloseable {
    /** The server version {@code bin/fhs-local} installs. */
    public static final String VERSION = "1.16.3";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ProcessBuilder builder;
    private Process process;
    private final Path dir;
    private final int httpPort;
    private final int grpcPort;

    private ScratchQdrant(ProcessBuilder builder, Path dir, int httpPort, int grpcPort)
            throws IOException {
        this.builder = builder;
        this.process = builder.start();
        this.dir = dir;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
    }

    /** Starts a server from the binary under {@code home}'s cache and waits until it is ready. */
    public static ScratchQdrant start(Path home) throws IOException, InterruptedException {
        Path binary = home.resolve(".local/cache/qdrant/" + VERSION + "/qdrant");
        if (!Files.isExecutable(binary)) {
            throw new IOException(
                    "no Qdrant binary at "
                            + binary
                            + "; run `bin/fhs local up` once to install it");
        }
        Path dir = Files.createTempDirectory("fhs-scratch-qdrant-");
        int http = ClusterControl.freePort();
        int grpc = ClusterControl.freePort();
        ProcessBuilder pb = new ProcessBuilder(binary.toString()).directory(dir.toFile());
        pb.environment().put("QDRANT__TELEMETRY_DISABLED", "true");
        pb.environment().put("QDRANT__SERVICE__HOST", "127.0.0.1");
        pb.environment().put("QDRANT__SERVICE__HTTP_PORT", Integer.toString(http));
        pb.environment().put("QDRANT__SERVICE__GRPC_PORT", Integer.toString(grpc));
        pb.environment().put("QDRANT__STORAGE__STORAGE_PATH", dir.resolve("storage").toString());
        pb.environment()
                .put("QDRANT__STORAGE__SNAPSHOTS_PATH", dir.resolve("snapshots").toString());
        pb.environment().put("QDRANT__LOG_LEVEL", "WARN");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("qdrant.log").toFile());
        ScratchQdrant q = new ScratchQdrant(pb, dir, http, grpc);
        try {
            q.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            q.close();
            throw e;
        }
        return q;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        "Qdrant exited with " + process.exitValue() + "; see " + log());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IOException("Qdrant not ready after " + START_TIMEOUT + "; see " + log());
    }

    /**
     * Stops the server (SIGTERM, as a service manager would) and starts it again on its storage:
     * what it then holds in memory is what a serving node holds, without the optimizer's transient
     * allocations.
     */
    public void restart() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        process = builder.start();
        awaitReady();
    }

    public QdrantConnection connection() {
        return QdrantConnection.local(grpcPort);
    }

    public long pid() {
        return process.pid();
    }

    /** The directory of one collection's files. */
    public Path collectionDir(String collection) {
        return dir.resolve("storage/collections").resolve(collection);
    }

    private Path log() {
        return dir.resolve("qdrant.log");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException leftBehind) {
            // a temporary directory; the OS cleans it up
        }
    }
}
