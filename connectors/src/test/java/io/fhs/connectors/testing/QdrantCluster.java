package io.fhs.connectors.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.QdrantConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Qdrant cluster for tests: {@code size} processes of the cached binary on loopback, in Qdrant's
 * own distributed mode ({@code QDRANT__CLUSTER__ENABLED}), each with its own HTTP, gRPC and p2p
 * ports and storage. Node 0 starts the cluster ({@code --uri}); the others join it ({@code
 * --bootstrap}), one at a time as Qdrant asks. Ready once node 0 sees every peer.
 *
 * <p>{@link #kill(int)} and {@link #restart(int)} simulate a node's crash and return on the same
 * ports and storage; clients talk to node 0 ({@link #connection()}), so kill another node.
 */
public final class QdrantCluster implements BeforeAllCallback, AfterAllCallback {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int size;
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Path root;

    private static final class Node {
        final int httpPort = QdrantServer.freePort();
        final int grpcPort = QdrantServer.freePort();
        final int p2pPort = QdrantServer.freePort();
        final Path dir;
        ChildProcess process;

        Node(Path dir) {
            this.dir = dir;
        }

        String p2pUri() {
            return "http://127.0.0.1:" + p2pPort;
        }
    }

    public QdrantCluster(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs a node, got " + size);
        }
        this.size = size;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        root = Files.createTempDirectory("qdrant-cluster");
        for (int i = 0; i < size; i++) {
            nodes.add(new Node(Files.createDirectories(root.resolve("node-" + i))));
        }
        for (int i = 0; i < size; i++) {
            start(i);
        }
        awaitPeers();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.stop(Duration.ofSeconds(10));
            }
        }
        if (root != null) {
            QdrantServer.deleteTree(root);
        }
    }

    public int size() {
        return size;
    }

    /** The gRPC connection to node 0, the node clients talk to. */
    public QdrantConnection connection() {
        return connection(0);
    }

    public QdrantConnection connection(int node) {
        return new QdrantConnection(
                "127.0.0.1",
                nodes.get(node).grpcPort,
                false,
                null,
                QdrantConnection.DEFAULT_TIMEOUT);
    }

    /** The {@code qdrant.url} option's value for node 0 (its gRPC port). */
    public String url() {
        return "http://127.0.0.1:" + nodes.get(0).grpcPort;
    }

    /** Kills node {@code node} like a crash would (SIGKILL). */
    public void kill(int node) throws InterruptedException {
        nodes.get(node).process.kill();
    }

    /** Starts node {@code node} again on its ports and storage; returns once it is ready. */
    public void restart(int node) throws Exception {
        start(node);
        awaitPeers();
    }

    /**
     * Whether every replica of every shard of {@code collection} is active and no shard is being
     * transferred, as node 0 sees them: false while a restarted node is still being brought up to
     * date.
     */
    public boolean replicasActive(String collection) throws Exception {
        JsonNode info = get(0, "/collections/" + collection + "/cluster").path("result");
        List<JsonNode> replicas = new ArrayList<>();
        info.path("local_shards").forEach(replicas::add);
        info.path("remote_shards").forEach(replicas::add);
        if (replicas.isEmpty() || !info.path("shard_transfers").isEmpty()) {
            return false;
        }
        return replicas.stream().allMatch(r -> "Active".equals(r.path("state").asText()));
    }

    private void start(int i) throws Exception {
        Node n = nodes.get(i);
        ProcessBuilder pb = QdrantServer.process(n.httpPort, n.grpcPort, n.dir);
        pb.environment().put("QDRANT__CLUSTER__ENABLED", "true");
        pb.environment().put("QDRANT__CLUSTER__P2P__PORT", Integer.toString(n.p2pPort));
        pb.command().addAll(List.of("--uri", n.p2pUri()));
        if (i > 0) {
            pb.command().addAll(List.of("--bootstrap", nodes.get(0).p2pUri()));
        }
        n.process = ChildProcess.start(pb, n.dir.resolve("qdrant.log"));
        Poll.until(
                READY_TIMEOUT,
                "Qdrant node " + i + " ready on port " + n.httpPort,
                () -> {
                    n.process.requireAlive("Qdrant node " + i);
                    return status(i, "/readyz") == 200;
                });
    }

    private void awaitPeers() {
        Poll.until(
                READY_TIMEOUT,
                "Qdrant node 0 seeing " + size + " peers",
                () -> {
                    JsonNode cluster = get(0, "/cluster").path("result");
                    return cluster.path("peers").size() == size
                            && cluster.path("raft_info").path("leader").isNumber();
                });
    }

    private int status(int node, String path) throws Exception {
        return http.send(request(node, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode get(int node, String path) throws Exception {
        HttpResponse<String> r =
                http.send(request(node, path), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private HttpRequest request(int node, String path) {
        return HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + nodes.get(node).httpPort + path))
                .timeout(Duration.ofSeconds(2))
                .build();
    }
}
