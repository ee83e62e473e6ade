package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.Poll;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.collection.StoredModels;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestHarness;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.query.FollowingQueryCore;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.reindex.ReindexOptions;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15's acceptance of a live reindex: 600 CACM documents ingested with all-MiniLM-L6-v2 by a
 * running (unbounded) ingest job behind an alias; {@code fhs reindex --model bge-small-en-v1.5}
 * while a feeder keeps adding and updating (versioned) documents and a {@link FollowingQueryCore}
 * keeps querying the alias. No query fails or comes back empty, the alias ends on the new
 * collection, and that collection equals a fresh bounded ingest of the whole topic with the new
 * model: the same point ids, cosine >= 1 - 1e-5 between their dense vectors.
 */
class ReindexITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();
    static final ObjectMapper JSON = new ObjectMapper();

    static final String MODEL_A = "all-MiniLM-L6-v2";
    static final String MODEL_B = "bge-small-en-v1.5";
    static final int DOCS = 600;
    static final Duration LONG = Duration.ofMinutes(5);

    /** A point as compared: its document, chunk, version and dense vector. */
    record Stored(String docId, long chunk, long version, float[] dense) {}

    @Test
    void reindexingToAnotherModelWhileDocumentsArriveAndQueriesRunLosesNothing() throws Exception {
        String topic = PIPELINE.name("topic");
        String alias = PIPELINE.name("docs");
        Configuration conf = IngestHarness.conf(topic, alias, QDRANT.connection(), KAFKA);
        conf.set(ModelOptions.DENSE, MODEL_A);
        conf.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        conf.set(ReindexOptions.POLL_INTERVAL, Duration.ofSeconds(1));
        conf.set(ReindexOptions.FOLLOW_INTERVAL, Duration.ofMillis(500));
        // A latency bound, not what this test is about: on a shared 2-core machine busy with two
        // ingest jobs and a copy, a hybrid search has been seen to take over the 5 s default.
        conf.set(QueryOptions.DEADLINE, Duration.ofMinutes(1));
        List<TextRecord> corpus = JsonLines.read(TestData.cacmCorpus());
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        for (TextRecord d : corpus.subList(0, DOCS)) {
            first.add(document(topic, d.id(), d, 1));
        }
        IngestHarness.produce(KAFKA, topic, first);

        JobClient running = startIngest(conf);
        try (QdrantClient client = QDRANT.connection().open()) {
            String before = CollectionAliases.resolve(client, alias).orElseThrow();
            assertThat(before).startsWith(alias + "-all-minilm-l6-v2-");
            Poll.until(
                    LONG, "model A ingest of " + DOCS, () -> docIds(client, alias).size() == DOCS);

            Feeder feeder = new Feeder(topic, corpus);
            QueryLoop queries = new QueryLoop(conf);
            // A steady trickle of changes across the reindex: one record every 300 ms.
            ScheduledExecutorService feeding = Executors.newSingleThreadScheduledExecutor();
            feeding.scheduleWithFixedDelay(feeder, 0, 300, TimeUnit.MILLISECONDS);
            Thread querying = new Thread(queries, "queries");
            querying.start();
            CliRunner.Result reindex;
            double reindexSeconds;
            try {
                long start = System.nanoTime();
                reindex =
                        CliRunner.start(reindexArgs(topic, alias, conf))
                                .await(Duration.ofMinutes(10));
                assertThat(reindex.exitCode()).as(reindex.out() + reindex.err()).isZero();
                reindexSeconds = (System.nanoTime() - start) / 1e9;
                // A few more changes after the switch: the running job writes them to both.
                int after = feeder.sent.get() + 5;
                Poll.until(LONG, "5 more documents", () -> feeder.sent.get() >= after);
                Poll.until(
                        LONG,
                        "the query core following the alias",
                        () -> queries.core != null && queries.core.switches() >= 1);
                int answered = queries.answered.get() + 5;
                Poll.until(
                        LONG,
                        "queries on the new collection",
                        () -> queries.answered.get() >= answered);
            } finally {
                feeding.shutdown();
                queries.stop.set(true);
                assertThat(feeding.awaitTermination(1, TimeUnit.MINUTES))
                        .as("feeder stopped")
                        .isTrue();
                querying.join();
            }
            assertThat(reindex.exitCode()).as(reindex.out() + reindex.err()).isZero();
            assertThat(feeder.failure).as("feeder").isEmpty();
            assertThat(queries.failures).as("failed or empty queries").isEmpty();
            assertThat(queries.collections).as("collections queried").hasSize(2);

            String after = CollectionAliases.resolve(client, alias).orElseThrow();
            assertThat(after).startsWith(alias + "-bge-small-en-v1.5-").isNotEqualTo(before);
            assertThat(StoredModels.read(client, after).orElseThrow().dense()).isEqualTo(MODEL_B);
            assertThat(reindex.out()).contains("Alias " + alias + " now points at " + after);

            // The same topic, from its start, into a collection of its own with model B.
            String freshAlias = PIPELINE.name("fresh");
            Configuration fresh = IngestHarness.conf(topic, freshAlias, QDRANT.connection(), KAFKA);
            fresh.set(ModelOptions.DENSE, MODEL_B);
            fresh.set(IngestOptions.GROUP_ID, freshAlias);
            IngestHarness.runBounded(fresh, QDRANT.connection(), 1);
            Map<String, Stored> expected = points(client, freshAlias);
            assertThat(docIds(client, freshAlias)).hasSize(DOCS + feeder.added.get());

            // The running job's mirror may still hold the last changes until its next checkpoint.
            Map<String, Stored> actual =
                    Poll.until(
                            LONG,
                            "the reindexed collection to hold the fresh ingest's points",
                            () -> points(client, alias),
                            p -> p.keySet().equals(expected.keySet()) && sameVersions(p, expected));
            for (Map.Entry<String, Stored> e : expected.entrySet()) {
                Stored a = actual.get(e.getKey());
                assertThat(cosine(a.dense(), e.getValue().dense()))
                        .as("cosine of %s chunk %d", a.docId(), a.chunk())
                        .isGreaterThanOrEqualTo(1 - 1e-5);
            }
            assertThat(feeder.updated.get()).as("updates during the reindex").isPositive();
            // The run's figures, for the README and the closing note.
            System.out.printf(
                    "ReindexITCase: reindex %.1f s; %d records fed (%d new, %d updates); %d"
                            + " queries, none failed or empty, over %s; %d points compared%n%s%n",
                    reindexSeconds,
                    feeder.sent.get(),
                    feeder.added.get(),
                    feeder.updated.get(),
                    queries.answered.get(),
                    queries.collections,
                    expected.size(),
                    reindex.out());
        } finally {
            running.cancel().get();
        }
    }

    private static JobClient startIngest(Configuration conf) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        IngestJob.buildFromKafka(env, CollectionLayout.prepareWriting(conf), false);
        return env.executeAsync("running-ingest");
    }

    private static String[] reindexArgs(String topic, String alias, Configuration conf) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "reindex",
                                "--config",
                                TestData.conf("ingest.yaml").toString(),
                                "--model",
                                MODEL_B,
                                "--progress-every",
                                "1"));
        for (String kv :
                List.of(
                        "kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                        "qdrant.url=" + QDRANT.url(),
                        "ingest.topic=" + topic,
                        "ingest.dead-letter-topic=" + topic + "-dlq",
                        "ingest.group-id=" + conf.get(IngestOptions.GROUP_ID),
                        "qdrant.collection=" + alias,
                        "model.dense=" + MODEL_A,
                        "ingest.checkpoint-interval=1 s",
                        "reindex.poll-interval=1 s")) {
            args.add("-D");
            args.add(kv);
        }
        return args.toArray(String[]::new);
    }

    /** A document record {id, title, text, version}, keyed by its id. */
    static ProducerRecord<byte[], byte[]> document(
            String topic, String id, TextRecord content, long version) {
        var node = JSON.createObjectNode().put("id", id).put("text", content.text());
        if (content.title() != null) {
            node.put("title", content.title());
        }
        node.put("version", version);
        return new ProducerRecord<>(
                topic,
                0,
                id.getBytes(StandardCharsets.UTF_8),
                node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds new CACM documents and, every third record, a version 2 of an early one with another
     * document's text, one record at a time, until stopped.
     */
    static final class Feeder implements Runnable {
        final String topic;
        final List<TextRecord> corpus;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger added = new AtomicInteger();
        final AtomicInteger updated = new AtomicInteger();
        final List<Throwable> failure = new CopyOnWriteArrayList<>();

        Feeder(String topic, List<TextRecord> corpus) {
            this.topic = topic;
            this.corpus = corpus;
        }

        /** Sends one change: a new document, or every third time an update of an ingested one. */
        @Override
        public void run() {
            // The corpus has 3,204 documents: new ones, then update texts.
            if (DOCS + added.get() >= 2000 || 2000 + sent.get() >= 3204) {
                return;
            }
            try {
                ProducerRecord<byte[], byte[]> r;
                int n = sent.get();
                if (n % 3 == 2 && updated.get() < DOCS) {
                    TextRecord old = corpus.get(updated.get() * 7 % DOCS);
                    r = document(topic, old.id(), corpus.get(2000 + n), 2);
                    updated.incrementAndGet();
                } else {
                    TextRecord d = corpus.get(DOCS + added.get());
                    r = document(topic, d.id(), d, 1);
                    added.incrementAndGet();
                }
                IngestHarness.produce(KAFKA, topic, List.of(r));
                sent.incrementAndGet();
            } catch (Exception e) {
                failure.add(e);
            }
        }
    }

    /** Queries the alias through a following core, recording failures and empty results. */
    static final class QueryLoop implements Runnable {
        final Configuration conf;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger answered = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final Set<String> collections = ConcurrentHashMap.newKeySet();
        volatile FollowingQueryCore core;

        QueryLoop(Configuration conf) {
            this.conf = conf;
        }

        @Override
        public void run() {
            List<TextRecord> texts = JsonLines.read(TestData.cacmQueries());
            try (FollowingQueryCore c = FollowingQueryCore.open(conf)) {
                core = c;
                int i = 0;
                while (!stop.get()) {
                    TextRecord q = texts.get(i++ % texts.size());
                    String collection = c.collection();
                    QueryResult r = c.run(c.query(q.id(), q.text()));
                    if (r.error() != null || r.hits().isEmpty()) {
                        failures.add(q.id() + " on " + collection + ": " + r);
                    }
                    collections.add(collection);
                    answered.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failures.add("query loop failed: " + e);
            }
        }
    }

    private static Set<String> docIds(QdrantClient client, String collection) {
        Set<String> ids = new TreeSet<>();
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.include(List.of("doc_id")),
                false,
                p -> ids.add(p.getPayloadMap().get("doc_id").getStringValue()));
        return ids;
    }

    private static Map<String, Stored> points(QdrantClient client, String collection) {
        Map<String, Stored> out = new HashMap<>();
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.include(List.of("doc_id", "chunk", "version")),
                true,
                p -> out.put(id(p), stored(p)));
        return out;
    }

    private static String id(RetrievedPoint p) {
        return p.getId().getUuid();
    }

    private static Stored stored(RetrievedPoint p) {
        var payload = p.getPayloadMap();
        return new Stored(
                payload.get("doc_id").getStringValue(),
                payload.get("chunk").getIntegerValue(),
                payload.get("version").getIntegerValue(),
                StoredPoints.dense(p, "dense"));
    }

    private static boolean sameVersions(Map<String, Stored> a, Map<String, Stored> b) {
        return a.entrySet().stream()
                .allMatch(e -> e.getValue().version() == b.get(e.getKey()).version());
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
