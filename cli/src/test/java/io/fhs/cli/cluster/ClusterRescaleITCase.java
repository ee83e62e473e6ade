package io.fhs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.cli.bench.IndexAudit;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upgrades and rescaling through savepoints on a real session cluster: the ingest job stopped with
 * a savepoint at parallelism 1 resumes at parallelism 2, and back at 1, with its keyed state: a
 * stale version sent after the rescale is still dropped, an unchanged document still skipped, and a
 * shrinking document still leaves no stale chunk.
 */
class ClusterRescaleITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    @RegisterExtension
    static final FlinkClusterProcesses CLUSTER = new FlinkClusterProcesses("it-rescale", 1);

    static final String TOPIC = "rescale-docs";
    static final String COLLECTION = "rescale_docs";
    static final int DOCS = 60;
    static final ObjectMapper JSON = new ObjectMapper();

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

    static String longText(List<TextRecord> corpus, int i) {
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < 6; k++) {
            text.append(corpus.get(2 * DOCS + 6 * i + k).text()).append(' ');
        }
        return text.toString().trim();
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

    /** Audits until the collection is clean or three minutes have passed; the last report. */
    static IndexAudit.Report auditUntilClean(
            IndexAudit audit, QdrantClient client, String collection, Model model)
            throws Exception {
        return Poll.latest(
                Duration.ofMinutes(3),
                () -> audit.audit(client, collection, model.live.values()),
                IndexAudit.Report::clean);
    }

    @Test
    void keyedStateSurvivesRescalingUpAndDown() throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        }
        List<TextRecord> corpus = JsonLines.read(TestData.cacmCorpus());
        Model model = new Model(TOPIC);
        for (int i = 0; i < DOCS; i++) {
            String text = i % 3 == 0 ? longText(corpus, i) : corpus.get(i).text();
            model.upsert("doc-" + i, "", text, 1);
        }
        try (QdrantClient client = QDRANT.connection().open();
                IndexAudit audit =
                        new IndexAudit(
                                ModelOptions.DENSE.defaultValue(),
                                ChunkOptions.OVERLAP_TOKENS.defaultValue())) {
            produce(KAFKA, model.records);
            String job = submit(1, null);
            awaitClean(audit, client, model, job);

            // After the rescale to 2: stale versions, unchanged re-sends, shrinking documents.
            String savepoint = savepoint(job);
            model.records.clear();
            int stale = 0;
            int unchanged = 0;
            for (int i = 0; i < DOCS; i++) {
                String id = "doc-" + i;
                switch (i % 3) {
                    case 0 -> model.upsert(id, "", "now a short document " + i, 2);
                    case 1 -> {
                        model.upsert(id, "", "a stale version " + i, 0);
                        stale++;
                    }
                    default -> {
                        model.upsert(id, "", model.live.get(id).text(), 1);
                        unchanged++;
                    }
                }
            }
            String scaledUp = submit(2, savepoint);
            produce(KAFKA, model.records);
            awaitClean(audit, client, model, scaledUp);
            awaitCounter(scaledUp, "outOfOrderDropped", stale);
            awaitCounter(scaledUp, "skippedUnchanged", unchanged);

            // And back to 1: the state, redistributed twice, still knows every version.
            savepoint = savepoint(scaledUp);
            model.records.clear();
            for (int i = 0; i < DOCS; i += 3) {
                model.upsert("doc-" + i, "", "an older text " + i, 1);
            }
            String scaledDown = submit(1, savepoint);
            produce(KAFKA, model.records);
            awaitCounter(scaledDown, "outOfOrderDropped", DOCS / 3);
            awaitClean(audit, client, model, scaledDown);
            CLUSTER.cancel(scaledDown);
        }
    }

    static String submit(int parallelism, String savepoint) throws Exception {
        String job =
                CLUSTER.submitIngest(
                        parallelism,
                        savepoint,
                        TOPIC,
                        COLLECTION,
                        KAFKA.bootstrapServers(),
                        QDRANT.connection());
        CLUSTER.awaitState(job, "RUNNING", Duration.ofMinutes(2));
        return job;
    }

    /** Stops the job with a savepoint; its path. */
    static String savepoint(String job) throws Exception {
        FlinkClusterProcesses.Result r =
                CLUSTER.run(Duration.ofMinutes(5), "savepoint", job, "--stop");
        assertThat(r.exitCode()).as("bin/fhs-cluster savepoint:%n%s", r.output()).isZero();
        String[] lines = r.output().trim().split("\n");
        String path = lines[lines.length - 1].trim();
        assertThat(path).as(r.output()).startsWith("file:").contains("/savepoints/");
        CLUSTER.awaitState(job, "FINISHED", Duration.ofMinutes(2));
        return path;
    }

    static void awaitClean(IndexAudit audit, QdrantClient client, Model model, String job)
            throws Exception {
        IndexAudit.Report report = auditUntilClean(audit, client, COLLECTION, model);
        assertThat(report.clean()).as("%s (job: %s)", report, CLUSTER.exceptions(job)).isTrue();
    }

    /** Waits until the version gate's counter, summed over subtasks, reaches {@code expected}. */
    static void awaitCounter(String job, String counter, long expected) throws Exception {
        // Flink's REST API fetches metrics every 10 s (metrics.fetcher.update-interval).
        long value =
                Poll.latest(Duration.ofMinutes(2), () -> counter(job, counter), v -> v >= expected);
        assertThat(value).as("%s of job %s", counter, job).isEqualTo(expected);
    }

    static long counter(String job, String counter) throws Exception {
        long sum = 0;
        for (JsonNode vertex : CLUSTER.rest("/jobs/" + job).path("vertices")) {
            if (!vertex.path("name").asText().contains("version-gate")) {
                continue;
            }
            String base = "/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/metrics";
            List<String> names = new ArrayList<>();
            for (int s = 0; s < vertex.path("parallelism").asInt(); s++) {
                names.add(s + ".version-gate." + counter);
            }
            for (JsonNode m : CLUSTER.rest(base + "?get=" + String.join(",", names))) {
                sum += m.path("value").asLong();
            }
        }
        return sum;
    }
}
