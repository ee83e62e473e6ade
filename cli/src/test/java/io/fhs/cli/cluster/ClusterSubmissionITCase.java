package io.fhs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.Poll;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.testing.PipelineExtension;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
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
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    @RegisterExtension
    static final FlinkClusterProcesses CLUSTER = new FlinkClusterProcesses("it-cluster", 1);

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "cluster-docs";
    static final String COLLECTION = "cluster_docs";

    static QdrantClient qdrant;

    @BeforeAll
    static void openQdrant() {
        qdrant = QDRANT.connection().open();
    }

    @AfterAll
    static void closeQdrant() {
        if (qdrant != null) {
            qdrant.close();
        }
    }

    @Test
    void theSameJarCanBeSubmittedAgainAfterCancelling() throws Exception {
        produce(0, 20);
        String first = submit();
        CLUSTER.awaitState(first, "RUNNING", Duration.ofMinutes(2));
        awaitPoints(20);
        CLUSTER.cancel(first);
        CLUSTER.awaitState(first, "CANCELED", Duration.ofMinutes(2));

        produce(20, 30);
        String second = submit();
        assertThat(second).isNotEqualTo(first);
        CLUSTER.awaitState(second, "RUNNING", Duration.ofMinutes(2));
        // Only the second job can have indexed documents 20..29.
        awaitPoints(30);
        assertThat(CLUSTER.state(second)).isEqualTo("RUNNING");
        // Metrics reach the REST API with a delay (metrics.fetcher.update-interval, 10 s).
        // At least the 10 new documents; more if the first job's last offsets were not committed.
        assertThat(Poll.latest(Duration.ofSeconds(60), () -> readRecords(second), n -> n >= 10))
                .as("records the second job's source read")
                .isBetween(10L, 30L);
        CLUSTER.cancel(second);
        CLUSTER.awaitState(second, "CANCELED", Duration.ofMinutes(2));
    }

    static String submit() throws Exception {
        QdrantConnection q = QDRANT.connection();
        return CLUSTER.submit(
                List.of(
                        CLUSTER.jobJar().toString(),
                        "io.fhs.jobs.ingest.IngestJob",
                        "-Dingest.topic=" + TOPIC,
                        "-Dingest.group-id=cluster-test",
                        "-Dqdrant.collection=" + COLLECTION,
                        "-Dqdrant.url=http://" + q.host() + ":" + q.grpcPort(),
                        "-Dkafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                        // Quick checkpoints: they commit offsets and flush Qdrant writes.
                        "-Dingest.checkpoint-interval=2s",
                        "-Dencode.threads=1"));
    }

    /** Records the job's Kafka source emitted, from the REST API's per-vertex metrics. */
    static long readRecords(String jobId) throws Exception {
        long max = 0;
        for (JsonNode vertex : CLUSTER.rest("/jobs/" + jobId).path("vertices")) {
            if (vertex.path("name").asText().contains("kafka")) {
                max = Math.max(max, vertex.path("metrics").path("write-records").asLong());
            }
        }
        return max;
    }

    static void awaitPoints(long expected) throws Exception {
        assertThat(Poll.latest(Duration.ofMinutes(2), () -> count(), n -> n >= expected))
                .isEqualTo(expected);
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
}
