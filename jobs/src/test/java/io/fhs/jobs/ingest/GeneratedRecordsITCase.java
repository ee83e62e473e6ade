package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.ingest.GeneratedRecords.Outcome;
import io.fhs.jobs.testing.PipelineExtension;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of generated records, valid and hostile, through the production ingest graph with no
 * restarts allowed: every record must be accounted for as a point, a dead letter of the expected
 * stage, or a deliberate drop, exactly as {@link GeneratedRecords}' model says.
 */
class GeneratedRecordsITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final long SEED = Long.getLong("fhs.generated.seed", 20_261_201L);
    static final int RECORDS = 2_000;
    static final int MAX_DOCUMENT_BYTES = 20_000;
    static final int MAX_LETTER_PAYLOAD = 4_096;

    @Test
    void everyRecordEndsAsAPointADeadLetterOrADeliberateDrop() throws Exception {
        String topic = "generated";
        GeneratedRecords generated = new GeneratedRecords(SEED, RECORDS, 320, MAX_DOCUMENT_BYTES);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (GeneratedRecords.Input in : generated.inputs) {
            // One partition: offsets are the records' indexes, and a document's records keep
            // their order.
            records.add(new ProducerRecord<>(topic, 0, in.key(), in.value()));
        }
        IngestHarness.produce(KAFKA, topic, records);

        Configuration conf = IngestHarness.conf(topic, "generated", QDRANT.connection(), KAFKA);
        conf.set(IngestOptions.MAX_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES);
        conf.set(IngestOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES, MAX_LETTER_PAYLOAD);
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        long start = System.nanoTime();
        IngestHarness.runBounded(
                conf, 2, StreamExecutionEnvironment.getExecutionEnvironment(noRestarts), s -> s);
        long seconds = (System.nanoTime() - start) / 1_000_000_000;

        Map<Outcome, Integer> expected = generated.counts();
        int expectedLetters =
                expected.getOrDefault(Outcome.DEAD_LETTER_VALIDATE, 0)
                        + expected.getOrDefault(Outcome.DEAD_LETTER_CHUNK, 0);
        Map<Long, JsonNode> letters = lettersByOffset(topic, expectedLetters);
        Map<String, Map<String, Value>> points = pointsByDocument("generated");
        printTable(expected, letters, points, seconds);

        assertThat(expected.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(RECORDS);
        assertDeadLetters(generated, letters);
        assertPoints(generated, points);
    }

    static void assertDeadLetters(GeneratedRecords generated, Map<Long, JsonNode> letters) {
        Map<Long, String> expectedStages = new TreeMap<>();
        for (int i = 0; i < generated.outcomes.size(); i++) {
            switch (generated.outcomes.get(i)) {
                case DEAD_LETTER_VALIDATE -> expectedStages.put((long) i, "validate");
                case DEAD_LETTER_CHUNK -> expectedStages.put((long) i, "chunk");
                default -> {}
            }
        }
        Map<Long, String> actualStages = new TreeMap<>();
        letters.forEach((offset, l) -> actualStages.put(offset, l.get("stage").asText()));
        for (Map.Entry<Long, String> e : actualStages.entrySet()) {
            if (!e.getValue().equals(expectedStages.get(e.getKey()))) {
                GeneratedRecords.Input in = generated.inputs.get(e.getKey().intValue());
                System.out.printf(
                        "Unexpected letter at %d (model: %s): %s for %s%n",
                        e.getKey(),
                        generated.outcomes.get(e.getKey().intValue()),
                        letters.get(e.getKey()).get("error").asText(),
                        in.value() == null ? null : new String(in.value(), StandardCharsets.UTF_8));
            }
        }
        for (Map.Entry<Long, String> e : expectedStages.entrySet()) {
            if (!actualStages.containsKey(e.getKey())) {
                GeneratedRecords.Input in = generated.inputs.get(e.getKey().intValue());
                System.out.printf(
                        "Missing %s letter at %d for %s%n",
                        e.getValue(),
                        e.getKey(),
                        in.value() == null ? null : new String(in.value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(actualStages).as("dead letters by offset and stage").isEqualTo(expectedStages);
        for (JsonNode l : letters.values()) {
            if (l.get("payload_bytes") != null
                    && l.get("payload_bytes").asInt() > MAX_LETTER_PAYLOAD) {
                assertThat(l.get("payload_truncated").asBoolean()).isTrue();
            }
        }
    }

    static void assertPoints(GeneratedRecords generated, Map<String, Map<String, Value>> points) {
        assertThat(points.keySet())
                .as("documents with points")
                .containsExactlyInAnyOrderElementsOf(generated.live.keySet());
        generated.live.forEach(
                (id, live) -> {
                    Map<String, Value> payload = points.get(id);
                    assertThat(
                                    payload.get("metadata")
                                            .getStructValue()
                                            .getFieldsOrThrow("rev")
                                            .getIntegerValue())
                            .as(
                                    "metadata revision of %s; its records:%s",
                                    id, history(generated, id))
                            .isEqualTo(live.rev());
                    long version =
                            payload.containsKey("version")
                                    ? payload.get("version").getIntegerValue()
                                    : -1;
                    assertThat(version)
                            .as("version of %s; its records:%s", id, history(generated, id))
                            .isEqualTo(live.version());
                });
    }

    /** The records the model saw for one document, for failure messages. */
    static String history(GeneratedRecords generated, String id) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < generated.inputs.size(); i++) {
            GeneratedRecords.Input in = generated.inputs.get(i);
            String value = in.value() == null ? "" : new String(in.value(), StandardCharsets.UTF_8);
            String key = in.key() == null ? "" : new String(in.key(), StandardCharsets.UTF_8);
            if (value.contains("\"" + id + "\"") || key.equals(id)) {
                String shown = value.length() > 160 ? value.substring(0, 160) + "..." : value;
                sb.append(
                        String.format(
                                "%n  @%d %s %s %s", i, generated.outcomes.get(i), key, shown));
            }
        }
        return sb.toString();
    }

    static Map<Long, JsonNode> lettersByOffset(String topic, int expected) throws Exception {
        Map<Long, JsonNode> letters = new HashMap<>();
        for (String letter : IngestHarness.readAll(KAFKA, topic + "-dlq", expected)) {
            JsonNode node = GeneratedRecords.JSON.readTree(letter);
            JsonNode previous = letters.put(node.get("source").get("offset").asLong(), node);
            assertThat(previous).as("a second letter for offset of %s", letter).isNull();
        }
        return letters;
    }

    /** Each document's one point (short texts make one chunk), by doc id; fails on a second. */
    static Map<String, Map<String, Value>> pointsByDocument(String collection) {
        Map<String, Map<String, Value>> byDoc = new HashMap<>();
        try (QdrantClient client = QDRANT.connection().open()) {
            Points.ScrollResponse page =
                    QdrantCalls.call(
                            "test scroll",
                            () ->
                                    client.scrollAsync(
                                            Points.ScrollPoints.newBuilder()
                                                    .setCollectionName(collection)
                                                    .setLimit(100_000)
                                                    .setWithPayload(
                                                            WithPayloadSelectorFactory.enable(true))
                                                    .build()));
            for (Points.RetrievedPoint p : page.getResultList()) {
                String id = p.getPayloadOrThrow("doc_id").getStringValue();
                assertThat(byDoc.put(id, p.getPayloadMap()))
                        .as("a second point of %s", id)
                        .isNull();
            }
        }
        return byDoc;
    }

    static void printTable(
            Map<Outcome, Integer> expected,
            Map<Long, JsonNode> letters,
            Map<String, Map<String, Value>> points,
            long seconds) {
        StringBuilder table = new StringBuilder();
        table.append(
                String.format("%nGenerated records (seed %d), ingested in %d s:%n", SEED, seconds));
        expected.forEach((o, n) -> table.append(String.format("  %-22s %5d%n", o, n)));
        table.append(String.format("  %-22s %5d%n", "records in", RECORDS));
        table.append(String.format("  %-22s %5d%n", "dead letters read", letters.size()));
        table.append(String.format("  %-22s %5d%n", "live documents (points)", points.size()));
        System.out.println(table);
    }
}
