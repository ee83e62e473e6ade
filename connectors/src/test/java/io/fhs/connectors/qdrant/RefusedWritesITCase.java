package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.kafka.DeadLetterSerializer;
import io.fhs.connectors.kafka.KafkaRejectedWrites;
import io.fhs.connectors.kafka.RecordOrigin;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes Qdrant refuses, mixed into batches of good ones: the batch is split until they stand
 * alone, they land in the dead-letter topic with Qdrant's message, and every other point is
 * written; configuration errors still fail the job.
 */
class RefusedWritesITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();
    @RegisterExtension static final KafkaCluster KAFKA = new KafkaCluster();

    static final ObjectMapper JSON = new ObjectMapper();
    static QdrantClient client;

    @BeforeAll
    static void connect() {
        client = QDRANT.connection().open();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static void write(List<QdrantWrite> writes, String collection, String deadLetters)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(writes)
                .sinkTo(
                        QdrantSink.<QdrantWrite>builder()
                                .setElementConverter(QdrantSinkBuilder.identity())
                                .setConnection(QDRANT.connection())
                                .setCollection(collection)
                                .setMaxBatchSize(100)
                                .setMaxTimeInBufferMs(50)
                                .setRejectedWriteHandler(
                                        new KafkaRejectedWrites(
                                                KAFKA.clientProperties(),
                                                new DeadLetterSerializer(deadLetters)))
                                .build());
        env.execute("refused-writes-test");
    }

    static String nestedJson(int depth) {
        return "{\"m\": " + "{\"k\": ".repeat(depth) + "1" + "}".repeat(depth) + "}";
    }

    @Test
    void refusedWritesAreDeadLetteredAndTheRestIsWritten() throws Exception {
        String c = "refused";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        List<QdrantWrite> writes = new ArrayList<>();
        for (QdrantWrite w : TestPoints.documents(60, 5, "ok-")) {
            writes.add(w.withOrigin(new RecordOrigin("docs", 0, writes.size())));
        }
        Map<String, QdrantWrite> bad = new LinkedHashMap<>();
        bad.put(
                "deep",
                QdrantWrite.upsert(
                        "deep", 0, TestPoints.dense("d", 0), null, null, nestedJson(40)));
        bad.put(
                "huge",
                QdrantWrite.upsert(
                        "huge", 1, TestPoints.dense("h", 0), null, null, "{\"x\": 1e400}"));
        bad.put("dim", QdrantWrite.upsert("dim", 2, new float[] {1, 2, 3}, null, null, "{}"));
        int at = 17;
        for (QdrantWrite w : bad.values()) {
            writes.add(at, w.withOrigin(new RecordOrigin("docs", 1, at)));
            at += 90;
        }

        write(writes, c, "refused-dlq");

        assertThat(TestPoints.count(client, c)).isEqualTo(300);
        List<JsonNode> letters = read("refused-dlq", 3);
        assertThat(letters).hasSize(3);
        Map<String, JsonNode> byDoc = new HashMap<>();
        letters.forEach(l -> byDoc.put(l.get("doc_id").asText(), l));
        assertThat(byDoc.keySet()).containsExactlyInAnyOrder("deep", "huge", "dim");
        for (JsonNode l : letters) {
            assertThat(l.get("stage").asText()).isEqualTo("qdrant");
            assertThat(l.get("source").get("topic").asText()).isEqualTo("docs");
            assertThat(l.get("source").get("partition").asInt()).isEqualTo(1);
        }
        assertThat(byDoc.get("deep").get("error").asText()).contains("INTERNAL: ");
        assertThat(byDoc.get("deep").get("chunk").asInt()).isZero();
        assertThat(byDoc.get("huge").get("error").asText())
                .contains("INVALID_ARGUMENT: cannot convert to json number");
        assertThat(byDoc.get("dim").get("error").asText()).contains("INVALID_ARGUMENT");
        assertThat(byDoc.get("dim").get("source").get("offset").asLong()).isEqualTo(17 + 90 + 90);
    }

    @Test
    void aMissingCollectionStillFailsTheJob() {
        assertThatThrownBy(
                        () ->
                                write(
                                        List.of(TestPoints.upsert("a", 0)),
                                        "no_such_collection",
                                        "missing-dlq"))
                .satisfies(
                        e ->
                                assertThat(ExceptionUtils.stringifyException(e))
                                        .contains("Qdrant cannot take writes to collection")
                                        .contains("NOT_FOUND"));
    }

    static List<JsonNode> read(String topic, int expected) throws Exception {
        Properties p = KAFKA.clientProperties();
        p.put("group.id", "reader-" + topic);
        p.put("auto.offset.reset", "earliest");
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(JSON.readTree(r.value()));
                }
            }
            // Nothing beyond what is expected: one more short poll.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(null));
        }
        return out;
    }
}
