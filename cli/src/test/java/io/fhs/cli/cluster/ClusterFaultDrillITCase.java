package io.fhs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.cli.bench.IndexAudit;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.Poll;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reduced fault drill on real processes: the ingest job at parallelism 2 on a session cluster
 * of two TaskManager JVMs reads a 2-partition topic of upserts, updates (growing and shrinking
 * documents), stale versions, unchanged re-sends and deletes. A TaskManager running the job is
 * SIGKILLed mid-stream and started again; the collection must end exactly as an independent model
 * of the topic says: no point missing, none stale, none left over.
 */
class ClusterFaultDrillITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    @RegisterExtension
    static final FlinkClusterProcesses CLUSTER = new FlinkClusterProcesses("it-drill", 2);

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "drill-docs";
    static final String COLLECTION = "drill_docs";
    static final int DOCS = 120;

    /** The topic's meaning, computed as the job must: newest version wins, deletes remove. */
    static final class Model {
        final String topic;
        final Map<String, IndexAudit.Doc> live = new LinkedHashMap<>();
        final Map<String, Long> newest = new LinkedHashMap<>();
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

        Model(String topic) {
            this.topic = topic;
        }

        void upsert(String id, String title, String text, long version) {
            ObjectNode doc = JSON.createObjectNode().put("id", id).put("title", title);
            doc.put("text", text).put("version", version);
            send(id, doc);
            if (version >= newest.getOrDefault(id, -1L)) {
                newest.put(id, version);
                live.put(id, new IndexAudit.Doc(id, title, text, version));
            }
        }

        void delete(String id, long version) {
            send(
                    id,
                    JSON.createObjectNode()
                            .put("id", id)
                            .put("op", "delete")
                            .put("version", version));
            if (version >= newest.getOrDefault(id, -1L)) {
                newest.put(id, version);
                live.remove(id);
            }
        }

        private void send(String id, ObjectNode value) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            id.getBytes(StandardCharsets.UTF_8),
                            value.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aKilledTaskManagerLosesNothingAndLeavesNothingStale() throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        List<TextRecord> corpus = JsonLines.read(TestData.cacmCorpus());
        Random random = new Random(42);
        Model first = new Model(TOPIC);
        for (int i = 0; i < DOCS; i++) {
            TextRecord d = corpus.get(i);
            // Every fifth document is long (several chunks), so that shrinking it later must
            // delete its old tail.
            String text = i % 5 == 0 ? longText(corpus, i) : d.text();
            first.upsert("doc-" + i, title(d), text, 1);
        }
        Model second = new Model(TOPIC);
        second.live.putAll(first.live);
        second.newest.putAll(first.newest);
        for (int i = 0; i < DOCS; i++) {
            String id = "doc-" + i;
            TextRecord d = corpus.get(i);
            switch (random.nextInt(5)) {
                case 0 -> second.upsert(id, title(d), corpus.get(DOCS + i).text(), 2);
                case 1 -> second.delete(id, 2);
                case 2 -> second.upsert(id, title(d), "a stale version " + i, 0);
                case 3 -> second.upsert(id, title(d), second.live.get(id).text(), 1);
                default -> {} // untouched
            }
        }

        produce(KAFKA, first.records);
        String job = submit();
        CLUSTER.awaitState(job, "RUNNING", Duration.ofMinutes(2));
        try (QdrantClient client = QDRANT.connection().open()) {
            awaitPoints(client, DOCS / 2);
            String victim = taskManagerOf(job);
            long killed = System.nanoTime();
            CLUSTER.kill(victim);
            // The second half arrives while the job fails over to the surviving TaskManager.
            produce(KAFKA, second.records);
            CLUSTER.up();

            try (IndexAudit audit =
                    new IndexAudit(
                            ModelOptions.DENSE.defaultValue(),
                            ChunkOptions.OVERLAP_TOKENS.defaultValue())) {
                IndexAudit.Report report = awaitClean(audit, client, COLLECTION, second);
                System.out.printf(
                        "fault drill: SIGKILL %s mid-stream; %s after %.1f s%n",
                        victim, report, (System.nanoTime() - killed) / 1e9);
                assertThat(report.clean())
                        .as(
                                "after killing %s: %s (job: %s)",
                                victim, report, CLUSTER.exceptions(job))
                        .isTrue();
                assertThat(report.expected()).isGreaterThan(DOCS / 2);
            }
        }
        assertThat(CLUSTER.state(job)).isEqualTo("RUNNING");
        assertThat(CLUSTER.failures(job))
                .as("failures the job recovered from (the killed TaskManager)")
                .isGreaterThanOrEqualTo(1);
        CLUSTER.cancel(job);
    }

    static String title(TextRecord d) {
        return d.title() == null ? "" : d.title();
    }

    static String longText(List<TextRecord> corpus, int i) {
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < 6; k++) {
            text.append(corpus.get(2 * DOCS + 6 * i + k).text()).append(' ');
        }
        return text.toString().trim();
    }

    static String submit() throws Exception {
        return CLUSTER.submitIngest(
                2, null, TOPIC, COLLECTION, KAFKA.bootstrapServers(), QDRANT.connection());
    }

    /** A TaskManager that runs a subtask of the job (by its resource id, e.g. taskmanager-2). */
    static String taskManagerOf(String job) throws Exception {
        for (JsonNode vertex : CLUSTER.rest("/jobs/" + job).path("vertices")) {
            if (vertex.path("name").asText().contains("encode")) {
                JsonNode subtasks =
                        CLUSTER.rest("/jobs/" + job + "/vertices/" + vertex.path("id").asText())
                                .path("subtasks");
                for (JsonNode subtask : subtasks) {
                    String tm = subtask.path("taskmanager-id").asText();
                    if (tm.startsWith("taskmanager-")) {
                        return tm;
                    }
                }
            }
        }
        throw new AssertionError("no TaskManager runs the encode operator of " + job);
    }

    static void produce(KafkaCluster kafka, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        Properties p = kafka.clientProperties();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.flush();
        }
    }

    static void awaitPoints(QdrantClient client, long atLeast) throws Exception {
        assertThat(Poll.latest(Duration.ofMinutes(2), () -> count(client), n -> n >= atLeast))
                .isGreaterThanOrEqualTo(atLeast);
    }

    static long count(QdrantClient client) {
        boolean exists =
                QdrantCalls.call("test exists", () -> client.collectionExistsAsync(COLLECTION));
        return exists
                ? QdrantCalls.call("test count", () -> client.countAsync(COLLECTION, null, true))
                : 0;
    }

    /** Audits until the collection is clean or three minutes have passed; the last report. */
    static IndexAudit.Report awaitClean(
            IndexAudit audit, QdrantClient client, String collection, Model model)
            throws Exception {
        return Poll.latest(
                Duration.ofMinutes(3),
                () -> audit.audit(client, collection, model.live.values()),
                IndexAudit.Report::clean);
    }
}
