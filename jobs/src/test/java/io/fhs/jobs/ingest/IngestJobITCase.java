package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.Tombstones;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.testing.PipelineExtension;
import io.qdrant.client.ConditionFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Common;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ingest graph on a MiniCluster, with a real Kafka broker and a real Qdrant server. */
class IngestJobITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

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

    static long count(String collection, String docId) throws Exception {
        Common.Filter filter =
                docId == null
                        ? null
                        : Common.Filter.newBuilder()
                                .addMust(ConditionFactory.matchKeyword("doc_id", docId))
                                .build();
        return QdrantCalls.call("test count", () -> client.countAsync(collection, filter, true));
    }

    static io.qdrant.client.grpc.Points.ScrollResponse scroll(String collection, String docId) {
        return QdrantCalls.call(
                "test scroll",
                () ->
                        client.scrollAsync(
                                io.qdrant.client.grpc.Points.ScrollPoints.newBuilder()
                                        .setCollectionName(collection)
                                        .setFilter(
                                                Common.Filter.newBuilder()
                                                        .addMust(
                                                                ConditionFactory.matchKeyword(
                                                                        "doc_id", docId)))
                                        .setWithPayload(
                                                io.qdrant.client.WithPayloadSelectorFactory.enable(
                                                        true))
                                        .build()));
    }

    static String doc(String id, String text) {
        return JSON.createObjectNode().put("id", id).put("text", text).toString();
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicAndTheRestIsIndexed() throws Exception {
        String topic = "mixed";
        Configuration conf = IngestHarness.conf(topic, "mixed", QDRANT.connection(), KAFKA);
        conf.set(IngestOptions.MAX_DOCUMENT_BYTES, 2_000);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> badKinds =
                List.of(
                        "{not json",
                        "{\"text\": \"no id\"}",
                        "{\"id\": \"\", \"text\": \"empty id\"}",
                        "{\"id\": \"x\"}",
                        "{\"id\": \"x\", \"text\": \"   \"}",
                        "{\"id\": \"x\", \"text\": 5}",
                        "INVALID_UTF8",
                        "OVERSIZE",
                        "{\"id\": \"x\", \"text\": \"t\", \"op\": \"merge\"}",
                        "{\"id\": \"x\", \"text\": \"t\", \"version\": \"one\"}",
                        "{\"id\": \"x\", \"text\": \"t\", \"metadata\": [1]}",
                        "TOMBSTONE_NO_KEY",
                        "[1, 2]");
        int bad = 0;
        for (int i = 0; i < 1_000; i++) {
            records.add(
                    IngestHarness.record(
                            topic,
                            null,
                            doc("good-" + i, "document number " + i + " about streams")));
            if (i % 5 == 4) {
                String kind = badKinds.get(bad % badKinds.size());
                bad++;
                switch (kind) {
                    case "INVALID_UTF8" ->
                            records.add(
                                    new ProducerRecord<>(
                                            topic,
                                            0,
                                            null,
                                            new byte[] {
                                                '{',
                                                '"',
                                                'i',
                                                'd',
                                                '"',
                                                ':',
                                                '"',
                                                (byte) 0xC3,
                                                (byte) 0x28,
                                                '"',
                                                '}'
                                            }));
                    case "OVERSIZE" ->
                            records.add(
                                    IngestHarness.record(
                                            topic, null, doc("big", "word ".repeat(1_000))));
                    case "TOMBSTONE_NO_KEY" -> records.add(IngestHarness.record(topic, null, null));
                    default -> records.add(IngestHarness.record(topic, null, kind));
                }
            }
        }
        assertThat(bad).isEqualTo(200);
        IngestHarness.produce(KAFKA, topic, records);
        IngestHarness.runBounded(conf, QDRANT.connection(), 2);

        assertThat(count("mixed", null)).isEqualTo(1_000);
        List<String> letters = IngestHarness.readAll(KAFKA, topic + "-dlq", 200);
        assertThat(letters).hasSize(200);
        Map<String, Integer> byError = new HashMap<>();
        for (String letter : letters) {
            JsonNode node = JSON.readTree(letter);
            assertThat(node.get("source").get("topic").asText()).isEqualTo(topic);
            assertThat(node.get("source").get("offset").asLong()).isBetween(0L, 1_200L);
            String error = node.get("error").asText();
            byError.merge(error.replaceAll("[0-9]+", "N"), 1, Integer::sum);
        }
        assertThat(String.join("\n", byError.keySet()))
                .contains("not valid JSON")
                .contains("missing \"id\" (the document id (or a Kafka key))")
                .contains("\"id\" must not be empty")
                .contains("missing \"text\"")
                .contains("\"text\" must not be empty")
                .contains("\"text\" must be a string, got number")
                .contains("is not valid UTF-N")
                .contains("over the limit of N (option ingest.max-document-bytes)")
                .contains("\"op\" must be \"upsert\" or \"delete\", got \"merge\"")
                .contains("\"version\" must be a non-negative integer")
                .contains("\"metadata\" must be a JSON object, got array")
                .contains("a tombstone (null value) needs a Kafka key")
                .contains("expected a JSON object, got array");
    }

    @Test
    void aJobWithoutStateDeletesTheOldTailOfAShrunkDocumentWhenAskedTo() throws Exception {
        String words = String.join(" ", Collections.nCopies(1_000, "stream search index"));
        String shorter = String.join(" ", Collections.nCopies(300, "river"));
        // The first job indexes the long version; later jobs start without its state.
        Configuration first = IngestHarness.conf("tails-1", "tails", QDRANT.connection(), KAFKA);
        IngestHarness.produce(
                KAFKA, "tails-1", List.of(IngestHarness.record("tails-1", "T", doc("T", words))));
        IngestHarness.runBounded(first, QDRANT.connection(), 1);
        long before = count("tails", "T");
        assertThat(before).isGreaterThan(2);

        Configuration blind = IngestHarness.conf("tails-2", "tails", QDRANT.connection(), KAFKA);
        IngestHarness.produce(
                KAFKA, "tails-2", List.of(IngestHarness.record("tails-2", "T", doc("T", shorter))));
        IngestHarness.runBounded(blind, QDRANT.connection(), 1);
        assertThat(count("tails", "T"))
                .as("without the option the old tail stays")
                .isEqualTo(before);

        Configuration told = IngestHarness.conf("tails-3", "tails", QDRANT.connection(), KAFKA);
        told.set(IngestOptions.DELETE_UNSEEN_TAILS, true);
        IngestHarness.produce(
                KAFKA, "tails-3", List.of(IngestHarness.record("tails-3", "T", doc("T", shorter))));
        IngestHarness.runBounded(told, QDRANT.connection(), 1);
        assertThat(count("tails", "T")).isEqualTo(2);
    }

    @Test
    void aDeleteTombstoneKeepsAnOlderVersionFromAJobWithoutStateOut() throws Exception {
        String collection = "tombstones";
        String longer = String.join(" ", Collections.nCopies(1_000, "stream search index"));
        String[] steps = {
            "{\"id\": \"X\", \"text\": \"first\", \"version\": 1}",
            "{\"id\": \"X\", \"op\": \"delete\", \"version\": 3}",
            JSON.createObjectNode().put("id", "X").put("text", longer).put("version", 2).toString(),
            "{\"id\": \"X\", \"text\": \"fourth\", \"version\": 4}"
        };
        long[] live = new long[steps.length];
        // One job per step, each without the state of the one before, as a second writer.
        for (int i = 0; i < steps.length; i++) {
            String topic = "tombstones-" + i;
            Configuration conf = IngestHarness.conf(topic, collection, QDRANT.connection(), KAFKA);
            conf.set(IngestOptions.DELETE_TOMBSTONES, true);
            IngestHarness.produce(
                    KAFKA, topic, List.of(IngestHarness.record(topic, null, steps[i])));
            IngestHarness.runBounded(conf, QDRANT.connection(), 1);
            live[i] = liveCount(collection, "X");
        }
        assertThat(live).containsExactly(1, 0, 0, 1);
        assertThat(count(collection, "X")).as("the tombstone was replaced").isEqualTo(1);
        assertThat(
                        scroll(collection, "X")
                                .getResult(0)
                                .getPayloadMap()
                                .get("text")
                                .getStringValue())
                .isEqualTo("fourth");
    }

    static long liveCount(String collection, String docId) {
        Common.Filter filter =
                Tombstones.live().toBuilder()
                        .addMust(ConditionFactory.matchKeyword("doc_id", docId))
                        .build();
        return QdrantCalls.call("test count", () -> client.countAsync(collection, filter, true));
    }

    @Test
    void updatesDeletesTombstonesAndLateVersions() throws Exception {
        String topic = "updates";
        Configuration conf = IngestHarness.conf(topic, "updates", QDRANT.connection(), KAFKA);
        String[] words = {"stream", "search", "index", "model", "query", "water", "music", "paper"};
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 1_100; i++) {
            longText.append(words[i % words.length]).append(' ');
        }
        String shortText = String.join(" ", Collections.nCopies(300, "river"));
        List<ProducerRecord<byte[], byte[]>> records =
                List.of(
                        IngestHarness.record(
                                topic,
                                "A",
                                JSON.createObjectNode()
                                        .put("text", longText.toString())
                                        .put("version", 1)
                                        .toString()),
                        IngestHarness.record(
                                topic,
                                "A",
                                JSON.createObjectNode()
                                        .put("text", shortText)
                                        .put("version", 2)
                                        .toString()),
                        IngestHarness.record(topic, null, doc("B", "to be deleted by op")),
                        IngestHarness.record(topic, null, "{\"id\": \"B\", \"op\": \"delete\"}"),
                        IngestHarness.record(topic, "C", doc("C", "to be deleted by a tombstone")),
                        IngestHarness.record(topic, "C", null),
                        IngestHarness.record(
                                topic,
                                null,
                                "{\"id\": \"D\", \"text\": \"version five\", \"version\": 5}"),
                        IngestHarness.record(
                                topic,
                                null,
                                "{\"id\": \"D\", \"text\": \"version three\", \"version\": 3}"),
                        IngestHarness.record(topic, null, doc("E", "stays")),
                        IngestHarness.record(
                                topic,
                                null,
                                "{\"id\": \"F\", \"text\": \"same text\", \"metadata\": {\"lang\": \"en\"}}"),
                        IngestHarness.record(
                                topic,
                                null,
                                "{\"id\": \"F\", \"text\": \"same text\", \"metadata\": {\"lang\": \"de\"}}"));
        IngestHarness.produce(KAFKA, topic, records);
        IngestHarness.runBounded(conf, QDRANT.connection(), 1);

        assertThat(count("updates", "A")).as("A shrank from 5 chunks to 2").isEqualTo(2);
        assertThat(count("updates", "B")).isZero();
        assertThat(count("updates", "C")).isZero();
        assertThat(count("updates", "D")).isEqualTo(1);
        assertThat(count("updates", "E")).isEqualTo(1);
        assertThat(count("updates", "F")).isEqualTo(1);
        var f = scroll("updates", "F");
        // The metadata-only change reached the payload; the text (and so the vector) stayed.
        var payload = f.getResult(0).getPayloadMap();
        assertThat(
                        payload.get("metadata")
                                .getStructValue()
                                .getFieldsMap()
                                .get("lang")
                                .getStringValue())
                .isEqualTo("de");
        assertThat(payload.get("text").getStringValue()).isEqualTo("same text");
        var d = scroll("updates", "D");
        assertThat(d.getResult(0).getPayloadMap().get("text").getStringValue())
                .isEqualTo("version five");
    }
}
