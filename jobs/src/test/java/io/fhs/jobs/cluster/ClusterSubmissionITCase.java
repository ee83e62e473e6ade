package io.fhs.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded job jar on a real Flink session cluster: a JobManager and a TaskManager, each its own
 * JVM, started by {@code bin/fhs-cluster} from the jars Maven resolves. The ingest job is submitted
 * through the REST API, cancelled, and the same jar is submitted again: the second job must run and
 * index new documents. That is what breaks when a job jar brings its own copies of libraries with
 * native code (DJL's tokenizers: "already loaded in another classloader").
 */
class ClusterSubmissionITCase {
    @RegisterExtension static final KafkaCluster KAFKA = new KafkaCluster();
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String TOPIC = "cluster-docs";
    static final String COLLECTION = "cluster_docs";

    static Path root;
    static Path stateDir;
    static Path jobJar;
    static int restPort;
    static int rpcPort;
    static QdrantClient qdrant;

    @BeforeAll
    static void startCluster() throws Exception {
        root = Path.of(System.getProperty("fhs.root", "..")).toAbsolutePath().normalize();
        jobJar = root.resolve("jobs/target/fhs-jobs-job.jar");
        assertThat(jobJar).as("the shaded job jar (built in the package phase)").exists();
        // A cluster of its own (state directory and ports), so that a developer's cluster started
        // with `bin/fhs cluster up` is neither used nor stopped.
        stateDir = root.resolve("jobs/target/it-cluster");
        restPort = freePort();
        rpcPort = freePort();
        qdrant = QDRANT.connection().open();
        Process up = cluster("up").start();
        String output = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(up.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(up.exitValue()).as("bin/fhs-cluster up:%n%s", output).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            if (stateDir != null) {
                Process down = cluster("down").start();
                down.getInputStream().transferTo(System.out);
                down.waitFor(1, TimeUnit.MINUTES);
            }
        } finally {
            if (qdrant != null) {
                qdrant.close();
            }
        }
    }

    @Test
    void theSameJarCanBeSubmittedAgainAfterCancelling() throws Exception {
        produce(0, 20);
        String first = submit();
        awaitState(first, "RUNNING");
        awaitPoints(20);
        cancel(first);
        awaitState(first, "CANCELED");

        produce(20, 30);
        String second = submit();
        assertThat(second).isNotEqualTo(first);
        awaitState(second, "RUNNING");
        // Only the second job can have indexed documents 20..29.
        awaitPoints(30);
        assertThat(state(second)).isEqualTo("RUNNING");
        // Metrics reach the REST API with a delay (metrics.fetcher.update-interval, 10 s).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (readRecords(second) < 10 && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        // At least the 10 new documents; more if the first job's last offsets were not committed.
        assertThat(readRecords(second))
                .as("records the second job's source read")
                .isBetween(10L, 30L);
        cancel(second);
        awaitState(second, "CANCELED");
    }

    /** bin/fhs-cluster with this test's state directory and ports. */
    static ProcessBuilder cluster(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/fhs-cluster").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("FHS_CLUSTER_DIR", stateDir.toString());
        env.put("FHS_FLINK_REST_PORT", Integer.toString(restPort));
        env.put("FHS_FLINK_RPC_PORT", Integer.toString(rpcPort));
        String models = System.getProperty("fhs.models.dir");
        if (models != null && !models.isBlank()) {
            env.put("FHS_MODELS_DIR", models);
        }
        // The servers reach the job through its arguments; variables inherited from a developer's
        // shell would take precedence in the job and point it elsewhere.
        env.remove("QDRANT_URL");
        env.remove("QDRANT_API_KEY");
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        return pb;
    }

    static String submit() throws Exception {
        QdrantConnection q = QDRANT.connection();
        Process p =
                cluster(
                                "submit",
                                jobJar.toString(),
                                "io.fhs.jobs.ingest.IngestJob",
                                "-Dingest.topic=" + TOPIC,
                                "-Dingest.group-id=cluster-test",
                                "-Dqdrant.collection=" + COLLECTION,
                                "-Dqdrant.url=http://" + q.host() + ":" + q.grpcPort(),
                                "-Dkafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                                // Quick checkpoints: they commit offsets and flush Qdrant writes.
                                "-Dingest.checkpoint-interval=2s",
                                "-Dencode.threads=1")
                        .start();
        String output =
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("bin/fhs-cluster submit:%n%s", output).isZero();
        String[] lines = output.split("\n");
        String jobId = lines[lines.length - 1].trim();
        assertThat(jobId).as("job id printed by submit:%n%s", output).matches("[0-9a-f]{32}");
        return jobId;
    }

    static void cancel(String jobId) throws Exception {
        Process p = cluster("cancel", jobId).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("bin/fhs-cluster cancel:%n%s", output).isZero();
    }

    static JsonNode rest(String path) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static String state(String jobId) throws Exception {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /** Records the job's Kafka source emitted, from the REST API's per-vertex metrics. */
    static long readRecords(String jobId) throws Exception {
        long max = 0;
        for (JsonNode vertex : rest("/jobs/" + jobId).path("vertices")) {
            if (vertex.path("name").asText().contains("kafka")) {
                max = Math.max(max, vertex.path("metrics").path("write-records").asLong());
            }
        }
        return max;
    }

    static void awaitState(String jobId, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String state = state(jobId);
        while (!state.equals(expected) && System.nanoTime() < deadline) {
            assertThat(state).as("job %s", jobId).isNotIn("FAILED", "FAILING");
            Thread.sleep(250);
            state = state(jobId);
        }
        assertThat(state).as("job %s: %s", jobId, exceptions(jobId)).isEqualTo(expected);
    }

    static String exceptions(String jobId) {
        try {
            return rest("/jobs/" + jobId + "/exceptions").path("rootException").asText();
        } catch (Exception | AssertionError e) {
            return "(no exceptions: " + e + ")";
        }
    }

    static void awaitPoints(long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        long count = count();
        while (count < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
            count = count();
        }
        assertThat(count).isEqualTo(expected);
    }

    static long count() {
        boolean exists =
                QdrantCalls.call("test exists", () -> qdrant.collectionExistsAsync(COLLECTION));
        return exists
                ? QdrantCalls.call("test count", () -> qdrant.countAsync(COLLECTION, null, true))
                : 0;
    }

    /** Documents {@code from} to {@code to - 1}, each short enough to be one chunk (one point). */
    static void produce(int from, int to) throws Exception {
        Properties p = KAFKA.clientProperties();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                String doc =
                        JSON.createObjectNode()
                                .put("id", "doc-" + i)
                                .put("text", "document number " + i + " about stream processing")
                                .toString();
                producer.send(
                        new ProducerRecord<>(
                                TOPIC,
                                ("doc-" + i).getBytes(StandardCharsets.UTF_8),
                                doc.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    static int freePort() throws IOException {
        // Below Linux's ephemeral range (32768-60999): a port the kernel picks for port 0 is also
        // what it hands to outgoing connections, which took one (40007) before the cluster bound
        // it.
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000);
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("No free port in 20000-29999");
    }
}
