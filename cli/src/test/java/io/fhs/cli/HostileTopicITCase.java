package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.connectors.testing.Topics;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance run: 1,000 good CACM documents and every kind of hostile record
 * (oversized, nested too deep for validation, nested too deep for Qdrant, not JSON, not UTF-8,
 * wrong types, numbers past double range, lone surrogates, text without a token) plus stale
 * versions, unchanged re-sends and deletes, through {@code fhs ingest --bounded}. The command exits
 * 0 with no restart, and each record is accounted for: a point of its document, a dead letter of
 * the expected stage at its offset, or a deliberate drop.
 */
class HostileTopicITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = TestData.root();
    static final String TOPIC = "hostile";
    static final int GOOD = 1_000;
    static final int MAX_DOCUMENT_BYTES = 20_000;
    // Above Qdrant 1.16's 32: such metadata passes validation and Qdrant refuses the write.
    static final int MAX_DEPTH = 64;

    enum Outcome {
        INDEXED,
        DELETE,
        STALE_DROP,
        UNCHANGED_DROP,
        VALIDATE,
        CHUNK,
        QDRANT
    }

    /** The topic, each record with the outcome it must have. */
    static final class Topic {
        final List<byte[]> values = new ArrayList<>();
        final List<String> keys = new ArrayList<>();
        final List<Outcome> outcomes = new ArrayList<>();
        // doc id -> version its points must carry (absent: the document must have no point)
        final Map<String, Long> live = new HashMap<>();

        void add(String key, byte[] value, Outcome outcome) {
            keys.add(key);
            values.add(value);
            outcomes.add(outcome);
        }

        void add(String key, String value, Outcome outcome) {
            add(key, value.getBytes(StandardCharsets.UTF_8), outcome);
        }

        void doc(String id, String text, long version, Outcome outcome) {
            ObjectNode doc = JSON.createObjectNode().put("id", id).put("text", text);
            doc.put("version", version);
            add(id, doc.toString(), outcome);
            if (outcome == Outcome.INDEXED) {
                live.put(id, version);
            }
        }
    }

    static Topic topic(List<TextRecord> corpus) {
        Topic t = new Topic();
        for (int i = 0; i < GOOD; i++) {
            t.doc("good-" + i, corpus.get(i).text(), 1, Outcome.INDEXED);
        }
        for (int i = 0; i < 20; i++) {
            String id = "good-" + i;
            // Version 2 replaces 1; version 1 again is stale; the same version 2 again unchanged.
            t.doc(id, corpus.get(GOOD + i).text(), 2, Outcome.INDEXED);
            t.doc(id, corpus.get(i).text(), 1, Outcome.STALE_DROP);
            t.doc(id, corpus.get(GOOD + i).text(), 2, Outcome.UNCHANGED_DROP);
            String gone = "good-" + (GOOD - 1 - i);
            t.add(
                    gone,
                    "{\"id\":\"" + gone + "\",\"op\":\"delete\",\"version\":5}",
                    Outcome.DELETE);
            t.live.remove(gone);
        }
        for (int i = 0; i < 5; i++) {
            String n = "-" + i;
            t.doc("oversized" + n, "word ".repeat(MAX_DOCUMENT_BYTES / 4), 1, Outcome.VALIDATE);
            t.add("deep" + n, nested("deep" + n, MAX_DEPTH + 10), Outcome.VALIDATE);
            t.add("qdrant-deep" + n, nested("qdrant-deep" + n, 40), Outcome.QDRANT);
            t.add("not-json" + n, "{\"id\": \"not-json" + n + "\", \"text\": ", Outcome.VALIDATE);
            t.add("latin1" + n, new byte[] {'{', '"', (byte) 0xe9, '"', '}'}, Outcome.VALIDATE);
            t.add("typed" + n, "{\"id\":\"typed" + n + "\",\"text\":5}", Outcome.VALIDATE);
            t.add(
                    "huge" + n,
                    "{\"id\":\"huge" + n + "\",\"text\":\"a\",\"metadata\":{\"x\":1e400}}",
                    Outcome.VALIDATE);
            t.add(
                    "surrogate" + n,
                    "{\"id\":\"surrogate" + n + "\",\"text\":\"a \\ud800 b\"}",
                    Outcome.VALIDATE);
            t.doc("tokenless" + n, "\u0301\u0302\u0007", 1, Outcome.CHUNK);
        }
        return t;
    }

    /** A document whose metadata nests {@code depth} objects. */
    static String nested(String id, int depth) {
        return "{\"id\":\""
                + id
                + "\",\"text\":\"nested metadata\",\"metadata\":"
                + "{\"a\":".repeat(depth - 1)
                + "{}"
                + "}".repeat(depth - 1)
                + "}";
    }

    @Test
    void everyRecordIsAccountedForAndTheJobNeverRestarts() throws Exception {
        Topic topic = topic(JsonLines.read(TestData.cacmCorpus()));
        produce(topic);

        CliRunner.Result run =
                CliRunner.run(
                        IngestCli.ingest(
                                KAFKA,
                                QDRANT,
                                TOPIC,
                                null,
                                List.of(),
                                "ingest.max-document-bytes=" + MAX_DOCUMENT_BYTES,
                                "ingest.max-metadata-depth=" + MAX_DEPTH));
        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.err()).isZero();
        assertThat(run.out()).as(run.err()).contains("restarts: 0");

        Map<Long, String> letters = deadLetters(topic);
        Map<String, Long> indexed = indexedVersions();
        Map<Outcome, Integer> counts = new TreeMap<>();
        for (int offset = 0; offset < topic.values.size(); offset++) {
            Outcome want = topic.outcomes.get(offset);
            counts.merge(want, 1, Integer::sum);
            switch (want) {
                case VALIDATE, CHUNK, QDRANT ->
                        assertThat(letters.get((long) offset))
                                .as(
                                        "stage of the dead letter for offset %d (%s)",
                                        offset, topic.keys.get(offset))
                                .isEqualTo(want.name().toLowerCase());
                default ->
                        assertThat(letters)
                                .as(
                                        "offset %d (%s) is no dead letter",
                                        offset, topic.keys.get(offset))
                                .doesNotContainKey((long) offset);
            }
        }
        // Points: exactly the live documents, each at the version that must win.
        assertThat(indexed).isEqualTo(topic.live);
        int accounted = 0;
        for (int n : counts.values()) {
            accounted += n;
        }
        System.out.printf(
                "hostile topic: %d records in: %s; %d documents with points, %d dead letters%n",
                topic.values.size(), counts, indexed.size(), letters.size());
        assertThat(accounted).isEqualTo(topic.values.size());
        assertThat(letters)
                .hasSize(
                        counts.get(Outcome.VALIDATE)
                                + counts.get(Outcome.CHUNK)
                                + counts.get(Outcome.QDRANT));
    }

    static void produce(Topic topic) throws Exception {
        Properties p = KAFKA.clientProperties();
        p.put("max.request.size", "2097152");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < topic.values.size(); i++) {
                // One partition: a record's offset is its index.
                producer.send(
                                new ProducerRecord<>(
                                        TOPIC,
                                        0,
                                        topic.keys.get(i).getBytes(StandardCharsets.UTF_8),
                                        topic.values.get(i)))
                        .get();
            }
        }
    }

    /** Stage of the dead letter by source offset (a letter sent twice counts once). */
    static Map<Long, String> deadLetters(Topic topic) throws Exception {
        long expected =
                topic.outcomes.stream()
                        .filter(o -> o.ordinal() >= Outcome.VALIDATE.ordinal())
                        .count();
        return stages(
                Topics.read(
                        KAFKA.clientProperties(),
                        TOPIC + "-dlq",
                        Duration.ofMinutes(1),
                        records -> stages(records).size() >= expected));
    }

    private static Map<Long, String> stages(List<ConsumerRecord<byte[], byte[]>> letters) {
        Map<Long, String> stages = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            try {
                JsonNode letter = JSON.readTree(r.value());
                stages.put(
                        letter.path("source").path("offset").asLong(),
                        letter.path("stage").asText());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stages;
    }

    /** Each document with points, and the version its points carry (all must agree). */
    static Map<String, Long> indexedVersions() {
        Map<String, Long> versions = new HashMap<>();
        try (QdrantClient client = QDRANT.connection().open()) {
            StoredPoints.scroll(
                    client,
                    TOPIC,
                    WithPayloadSelectorFactory.include(List.of("doc_id", "version")),
                    false,
                    p -> {
                        String doc = p.getPayloadMap().get("doc_id").getStringValue();
                        long version = p.getPayloadMap().get("version").getIntegerValue();
                        Long other = versions.put(doc, version);
                        assertThat(other == null || other == version)
                                .as("chunks of %s at versions %s and %s", doc, other, version)
                                .isTrue();
                    });
        }
        return versions;
    }
}
