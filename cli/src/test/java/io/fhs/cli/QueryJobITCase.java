package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.cli.eval.EvalRunner;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryJob;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.quantize.VectorQuantization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The query job on a MiniCluster with a real broker, a real Qdrant and the CACM queries. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryJobITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final Path CACM = TestData.cacm();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String COLLECTION = "cacm-600";

    @BeforeAll
    static void ingest() throws Exception {
        Configuration conf = base("unused");
        List<TextRecord> docs = JsonLines.read(CACM.resolve("corpus.jsonl")).subList(0, 600);
        try (EvalRunner runner = new EvalRunner(conf)) {
            assertThat(runner.ingest(docs, -1, ProgressLine.off())).isGreaterThanOrEqualTo(600);
        }
    }

    static Configuration base(String topic) {
        Configuration c = new Configuration();
        c.set(QdrantOptions.COLLECTION, COLLECTION);
        c.set(QdrantOptions.URL, "http://127.0.0.1:" + QDRANT.connection().grpcPort());
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        c.set(QueryOptions.TOPIC, topic);
        c.set(QueryOptions.RESULTS_TOPIC, topic + "-results");
        c.set(QueryOptions.GROUP_ID, "test-" + topic);
        return c;
    }

    @Test
    @Order(1)
    void everyJudgedQueryGetsTheResultOfTheSameSearchRunDirectly() throws Exception {
        List<TextRecord> queries = JsonLines.read(CACM.resolve("queries.jsonl"));
        java.util.Set<String> judged =
                java.util.Set.copyOf(
                        io.fhs.cli.eval.Qrels.read(CACM.resolve("qrels/test.tsv")).judgedQueries());
        List<String> values = new ArrayList<>();
        for (TextRecord q : queries) {
            if (judged.contains(q.id())) {
                values.add(
                        JSON.createObjectNode()
                                .put("query_id", q.id())
                                .put("text", q.text())
                                .toString());
            }
        }
        assertThat(values).hasSize(52);
        values.add("{\"query_id\": \"bad-1\", \"text\": \"x\", \"top_k\": \"ten\"}");
        values.add("{not json");
        Configuration conf = base("cacm-queries");
        // One query per encoder call, as the direct runs below encode them: batched and single
        // encodings differ by ~1e-7, enough to swap documents whose cosines are that close.
        conf.set(QueryOptions.BATCH_SIZE, 1);
        Map<String, JsonNode> results = run(conf, values, 54);

        assertThat(results).hasSize(54);
        assertThat(results.get("bad-1").get("error").asText())
                .isEqualTo("top_k: expected an integer from 1 to 1000, got \"ten\"");
        assertThat(results.keySet().stream().filter(k -> k.startsWith("unknown@")))
                .singleElement()
                .satisfies(
                        k ->
                                assertThat(results.get(k).get("error").asText())
                                        .startsWith("malformed JSON"));

        // The query core run directly, with the job's settings: the job is its stages in
        // operators, so it must rank the same.
        Map<String, QueryResult> direct = new LinkedHashMap<>();
        try (QueryCore core = QueryCore.open(conf)) {
            for (TextRecord q : queries) {
                if (judged.contains(q.id())) {
                    direct.put(q.id(), core.run(core.query(q.id(), q.text())));
                }
            }
        }
        Map<String, List<Long>> timings = new LinkedHashMap<>();
        for (Map.Entry<String, QueryResult> e : direct.entrySet()) {
            JsonNode r = results.get(e.getKey());
            assertThat(r.has("error")).as(e.getKey() + ": " + r.get("error")).isFalse();
            assertThat(r.get("hits")).hasSize(10);
            for (String t : List.of("encode", "search", "rerank", "total")) {
                assertThat(r.get("timings_ms").get(t).asLong()).isGreaterThanOrEqualTo(0);
                timings.computeIfAbsent(t, x -> new ArrayList<>())
                        .add(r.get("timings_ms").get(t).asLong());
            }
            List<QueryResult.Hit> best = e.getValue().hits();
            assertThat(best).as(e.getKey()).hasSize(10);
            for (int i = 0; i < 10; i++) {
                JsonNode hit = r.get("hits").get(i);
                float score = hit.get("score").floatValue();
                assertThat(score)
                        .as(e.getKey() + " rank " + i)
                        .isCloseTo(best.get(i).score(), offset(1e-5f));
                // RRF gives equal scores to, e.g., the first of one list and the first of the
                // other; Qdrant orders such ties arbitrarily, so a tie may come in either order.
                List<QueryResult.Hit> tied =
                        best.stream().filter(h -> Math.abs(h.score() - score) < 1e-6f).toList();
                assertThat(tied)
                        .as(e.getKey() + " rank " + i)
                        .anySatisfy(
                                h -> {
                                    assertThat(h.docId()).isEqualTo(hit.get("doc_id").asText());
                                    assertThat(h.chunk()).isEqualTo(hit.get("chunk").asInt());
                                });
                assertThat(hit.get("text").asText()).isNotBlank();
            }
        }
        // For the record (not asserted): per-stage milliseconds over the 52 queries.
        timings.forEach(
                (stage, ms) -> {
                    List<Long> sorted = ms.stream().sorted().toList();
                    System.out.printf(
                            "query timings_ms.%s: p50 %d, max %d%n",
                            stage, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
                });
    }

    @Test
    @Order(2)
    void rerankingScoresTheCandidatesWithTheCrossEncoderAndFiltersApply() throws Exception {
        Configuration conf = base("rerank-queries");
        conf.set(ModelOptions.RERANK, TestData.testModel("tiny-cross-encoder").toString());
        conf.set(QueryOptions.RERANK_TOP_N, 8);
        List<String> values =
                List.of(
                        "{\"query_id\": \"r1\", \"text\": \"time sharing systems\", \"top_k\": 5, \"rerank\": true}",
                        "{\"query_id\": \"d1\", \"text\": \"parsing of programming languages\", \"mode\": \"dense\", \"top_k\": 3}",
                        "{\"query_id\": \"f1\", \"text\": \"algorithms\", \"filter\": {\"doc_id\": \"CACM-2274\"}}");
        Map<String, JsonNode> results = run(conf, values, 3);
        JsonNode hits = results.get("r1").get("hits");
        assertThat(hits).hasSize(5);
        for (int i = 1; i < hits.size(); i++) {
            assertThat(hits.get(i - 1).get("rerank_score").floatValue())
                    .isGreaterThanOrEqualTo(hits.get(i).get("rerank_score").floatValue());
        }
        assertThat(results.get("d1").get("hits")).hasSize(3);
        assertThat(results.get("d1").get("hits").get(0).has("rerank_score")).isFalse();
        assertThat(results.get("f1").get("hits"))
                .singleElement()
                .satisfies(h -> assertThat(h.get("doc_id").asText()).isEqualTo("CACM-2274"));
    }

    @Test
    @Order(3)
    void terminalSearchPrintsTheEnginesRankingAndAPromptReadsUntilQuit() throws Exception {
        String[] common = {
            "--config",
            TestData.conf("query.yaml").toString(),
            "-D",
            "qdrant.url=http://127.0.0.1:" + QDRANT.connection().grpcPort(),
            "-D",
            "qdrant.collection=" + COLLECTION
        };
        String out = cli("", common, "--top-k", "3", "time", "sharing", "systems");
        assertThat(out).contains("3 hits for \"time sharing systems\" (hybrid;");
        List<String> ranked = out.lines().filter(l -> l.matches(" ?\\d+\\. .*")).toList();
        assertThat(ranked).hasSize(3);
        List<QueryResult.Hit> expected;
        try (QueryCore engine = QueryCore.open(base("unused"))) {
            expected =
                    engine.run(
                                    engine.query(
                                            "t",
                                            "time sharing systems",
                                            SearchRequest.Mode.HYBRID,
                                            3,
                                            false))
                            .hits();
        }
        for (int i = 0; i < 3; i++) {
            QueryResult.Hit h = expected.get(i);
            assertThat(ranked.get(i))
                    .startsWith(String.format(java.util.Locale.ROOT, " %d. %.4f", i + 1, h.score()))
                    .contains(h.docId() + "#" + h.chunk());
        }
        // Not a terminal: query terms (stemmed) in brackets rather than ANSI bold.
        assertThat(out).containsAnyOf("[time]", "[Time]", "[shar", "[Shar", "[system", "[System");
        assertThat(out).doesNotContain("\u001b[");

        String prompt = cli("compilers\n\n:q\nnot searched\n", common, "--mode", "dense");
        assertThat(prompt).contains("search> ").contains("10 hits for \"compilers\" (dense;");
        assertThat(prompt).doesNotContain("not searched");
        assertThat(prompt.split("search> ", -1)).hasSize(4);
    }

    static String cli(String stdin, String[] common, String... args) {
        List<String> all = new ArrayList<>(List.of("search"));
        all.addAll(List.of(common));
        all.addAll(List.of(args));
        CliRunner.Result run = CliRunner.run(stdin, all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.out();
    }

    @Test
    @Order(4)
    void collapsingGivesDistinctDocumentsAtTheirBestChunksScore() throws Exception {
        // CACM records fit one chunk; documents of eight records each span several.
        List<TextRecord> corpus = JsonLines.read(CACM.resolve("corpus.jsonl"));
        List<TextRecord> longDocs = new ArrayList<>();
        for (int d = 0; d < 12; d++) {
            StringBuilder text = new StringBuilder();
            for (TextRecord r : corpus.subList(600 + d * 8, 608 + d * 8)) {
                text.append(r.fullText()).append(' ');
            }
            longDocs.add(new TextRecord("LONG-" + d, "Long " + d, text.toString()));
        }
        Configuration conf = base("unused");
        conf.set(QdrantOptions.COLLECTION, "long-docs");
        try (EvalRunner runner = new EvalRunner(conf)) {
            assertThat(runner.ingest(longDocs, -1, ProgressLine.off())).isGreaterThan(24);
        }
        for (SearchRequest.Mode mode : SearchRequest.Mode.values()) {
            Configuration chunks = conf.clone();
            chunks.set(QueryOptions.COLLAPSE, false);
            List<QueryResult.Hit> all;
            try (QueryCore engine = QueryCore.open(chunks)) {
                all = engine.run(engine.query("c", "computer programs", mode, 40, false)).hits();
            }
            if (mode != SearchRequest.Mode.SPARSE) {
                // BM25 describes each document once (on its first chunk); dense, every chunk.
                assertThat(all).as(mode + ": chunks").hasSize(40);
                assertThat(all.stream().map(QueryResult.Hit::docId).distinct().count())
                        .as(mode + ": several chunks of one document among the chunk hits")
                        .isLessThan(all.size());
            }
            List<QueryResult.Hit> docs;
            try (QueryCore engine = QueryCore.open(conf)) {
                docs = engine.run(engine.query("c", "computer programs", mode, 5, false)).hits();
            }
            assertThat(docs).as(mode.toString()).hasSize(5);
            assertThat(docs.stream().map(QueryResult.Hit::docId).distinct()).hasSize(5);
            for (QueryResult.Hit doc : docs) {
                QueryResult.Hit best =
                        all.stream().filter(h -> h.docId().equals(doc.docId())).findFirst().get();
                assertThat(doc.score())
                        .as(mode + " " + doc.docId())
                        .isCloseTo(best.score(), offset(1e-6f));
                assertThat(all.stream().filter(h -> h.docId().equals(doc.docId())))
                        .allSatisfy(h -> assertThat(h.score()).isLessThanOrEqualTo(doc.score()));
            }
        }
    }

    @Test
    @Order(5)
    void hitsReportTheDenseAndSparseScoresTheSearchReturned() throws Exception {
        Configuration conf = base("unused");
        conf.set(QueryOptions.COLLAPSE, false);
        Map<String, Float> denseScores = new LinkedHashMap<>();
        Map<String, Float> sparseScores = new LinkedHashMap<>();
        String text = "parallel processing of linear equations";
        try (QueryCore engine = QueryCore.open(conf)) {
            for (QueryResult.Hit h :
                    engine.run(engine.query("d", text, SearchRequest.Mode.DENSE, 100, false))
                            .hits()) {
                assertThat(h.denseScore()).isEqualTo(h.score());
                assertThat(h.sparseScore()).isNull();
                denseScores.put(h.docId() + "#" + h.chunk(), h.score());
            }
            for (QueryResult.Hit h :
                    engine.run(engine.query("s", text, SearchRequest.Mode.SPARSE, 100, false))
                            .hits()) {
                assertThat(h.sparseScore()).isEqualTo(h.score());
                sparseScores.put(h.docId() + "#" + h.chunk(), h.score());
            }
            // Server-side fusion returns the fused score only.
            assertThat(engine.run(engine.query("h", text)).hits())
                    .allSatisfy(h -> assertThat(h.denseScore()).isNull());
        }
        conf.set(QueryOptions.DENSE_WEIGHT, 2.0);
        try (QueryCore engine = QueryCore.open(conf)) {
            List<QueryResult.Hit> hits = engine.run(engine.query("w", text)).hits();
            assertThat(hits).hasSize(10);
            assertThat(hits)
                    .anySatisfy(
                            h -> {
                                assertThat(h.denseScore()).isNotNull();
                                assertThat(h.sparseScore()).isNotNull();
                            });
            for (QueryResult.Hit h : hits) {
                String key = h.docId() + "#" + h.chunk();
                assertThat(h.denseScore() != null || h.sparseScore() != null).as(key).isTrue();
                if (h.denseScore() != null) {
                    assertThat(h.denseScore())
                            .as(key)
                            .isCloseTo(denseScores.get(key), offset(1e-5f));
                }
                if (h.sparseScore() != null) {
                    assertThat(h.sparseScore())
                            .as(key)
                            .isCloseTo(sparseScores.get(key), offset(1e-4f));
                }
            }
        }
    }

    @Test
    @Order(6)
    void withQdrantDownEveryQueryGetsAnErrorResultAtTheDeadline() throws Exception {
        Configuration conf = base("down-queries");
        conf.set(QueryOptions.DEADLINE, Duration.ofSeconds(2));
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            values.add("{\"query_id\": \"q" + i + "\", \"text\": \"compilers\"}");
        }
        // Built while Qdrant is up (the job reads the collection's quantization then); it goes
        // down before the first query arrives.
        StreamExecutionEnvironment env = job(conf);
        QDRANT.kill();
        try {
            produce(conf, values);
            env.execute("query-test");
            Map<String, JsonNode> results = read(conf.get(QueryOptions.RESULTS_TOPIC), 5);
            assertThat(results).hasSize(5);
            for (JsonNode r : results.values()) {
                // Retried until the deadline, not given up at the first refusal.
                assertThat(r.get("error").asText())
                        .startsWith("search deadline of 2000 ms exceeded after")
                        .contains("last error: UNAVAILABLE");
                assertThat(r.get("hits")).isEmpty();
                assertThat(r.get("timings_ms").get("search").asLong()).isEqualTo(2000);
                assertThat(r.get("timings_ms").get("total").asLong()).isGreaterThanOrEqualTo(2000);
            }
            // The engine alone answers the same way.
            conf.set(QueryOptions.DEADLINE, Duration.ofMillis(800));
            try (QueryCore engine =
                    QueryCore.open(
                            QuerySettings.from(conf, VectorQuantization.none()),
                            QDRANT.connection())) {
                long start = System.nanoTime();
                QueryResult r = engine.run(engine.query("e1", "compilers"));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertThat(r.error()).startsWith("search deadline of 800 ms exceeded after");
                assertThat(r.hits()).isEmpty();
                assertThat(ms).isBetween(800L, 5000L);
            }
        } finally {
            QDRANT.restart();
        }
    }

    static Map<String, JsonNode> run(Configuration conf, List<String> values, int expected)
            throws Exception {
        produce(conf, values);
        job(conf).execute("query-test");
        return read(conf.get(QueryOptions.RESULTS_TOPIC), expected);
    }

    static void produce(Configuration conf, List<String> values) throws Exception {
        String topic = conf.get(QueryOptions.TOPIC);
        Properties p = KAFKA.clientProperties();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                producer.send(
                        new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** The bounded query job over the configured topic, built but not started. */
    static StreamExecutionEnvironment job(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        QueryJob.buildFromKafka(env, conf, true);
        return env;
    }

    static Map<String, JsonNode> read(String topic, int expected) throws Exception {
        Properties c = KAFKA.clientProperties();
        c.put("group.id", "reader-" + topic);
        c.put("auto.offset.reset", "earliest");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode n = JSON.readTree(r.value());
                    assertThat(new String(r.key(), StandardCharsets.UTF_8))
                            .isEqualTo(n.get("query_id").asText());
                    assertThat(out.put(n.get("query_id").asText(), n))
                            .as("one result per query")
                            .isNull();
                }
            }
        }
        return out;
    }
}
