package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.testing.Topics;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.IngestHarness;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The 52 CACM queries through SQL against the query job's core on one collection the ingest job
 * filled: VECTOR_SEARCH dense (same documents, same order) and hybrid (the same up to RRF ties),
 * and conf/sql/query.sql end to end, Kafka to Kafka, reranked.
 */
class SqlQueryEquivalenceITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final int DOCS = 600;
    static final int TOP_K = 10;
    static final int RERANK_TOP_N = 20;
    static final List<TextRecord> QUERIES = judgedQueries();
    static final ObjectMapper JSON = new ObjectMapper();

    static Configuration ingest;

    /** The CACM queries with relevance judgements (qrels/test.tsv): 52 of the 64. */
    static List<TextRecord> judgedQueries() {
        try {
            Set<String> judged = new HashSet<>();
            for (String line : Files.readAllLines(TestData.cacm().resolve("qrels/test.tsv"))) {
                judged.add(line.split("\t")[0]);
            }
            return JsonLines.read(TestData.cacmQueries()).stream()
                    .filter(q -> judged.contains(q.id()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void fill() throws Exception {
        assertThat(QUERIES).hasSize(52);
        ingest = CacmSql.ingest(PIPELINE, "equivalence", DOCS);
    }

    /** The query core's results on the ingest's collection, as the query job ranks. */
    static Map<String, QueryResult> queryCore(Configuration conf, SearchRequest.Mode mode, int k) {
        Map<String, QueryResult> out = new HashMap<>();
        try (QueryCore core =
                QueryCore.open(
                        QuerySettings.from(conf, PIPELINE.qdrantConnection()),
                        PIPELINE.qdrantConnection())) {
            List<Query> asked = new ArrayList<>();
            boolean rerank = conf.get(QueryOptions.RERANK);
            QUERIES.forEach(q -> asked.add(core.query(q.id(), q.text(), mode, k, rerank)));
            for (QueryResult r : core.runAll(asked)) {
                assertThat(r.error()).as(r.queryId()).isNull();
                out.put(r.queryId(), r);
            }
        }
        return out;
    }

    static StreamTableEnvironment sql() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        return StreamTableEnvironment.create(env);
    }

    @Test
    void vectorSearchRanksAsTheQueryCore() throws Exception {
        StreamTableEnvironment sql = sql();
        CacmSql.models(sql);
        CacmSql.queries(sql, QUERIES);
        CacmSql.table(sql, "docs", ingest, "");
        Map<String, QueryResult> dense = queryCore(ingest, SearchRequest.Mode.DENSE, TOP_K);
        Map<String, List<Row>> got =
                CacmSql.byQuery(sql, CacmSql.search("docs", "embedding", TOP_K, ""));
        assertThat(got).hasSize(52);
        for (TextRecord q : QUERIES) {
            Rankings.assertSame(q.id(), got.get(q.id()), dense.get(q.id()).hits());
        }
        Map<String, QueryResult> hybrid = queryCore(ingest, SearchRequest.Mode.HYBRID, TOP_K);
        Map<String, List<Row>> fused =
                CacmSql.byQuery(
                        sql,
                        CacmSql.search("docs", "hybrid", TOP_K, "MAP['search.mode', 'hybrid']"));
        assertThat(fused).hasSize(52);
        for (TextRecord q : QUERIES) {
            Rankings.assertSameUpToTies(q.id(), fused.get(q.id()), hybrid.get(q.id()).hits());
        }
    }

    @Test
    void queryScriptAnswersAsTheQueryJob() throws Exception {
        String topic = "sql-queries";
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TextRecord q : QUERIES) {
            String value =
                    JSON.createObjectNode()
                            .put("query_id", q.id())
                            .put("text", q.text())
                            .toString();
            records.add(IngestHarness.record(topic, q.id(), value));
        }
        IngestHarness.produce(PIPELINE.kafka(), topic, records);
        Configuration conf = new Configuration(ingest);
        conf.set(QueryOptions.TOPIC, topic);
        conf.set(QueryOptions.RESULTS_TOPIC, topic + "-results");
        conf.set(QueryOptions.GROUP_ID, "sql-test");
        conf.set(QueryOptions.TOP_K, TOP_K);
        conf.set(QueryOptions.RERANK_TOP_N, RERANK_TOP_N);
        conf.set(QueryOptions.MODE, SearchRequest.Mode.DENSE);
        conf.set(ModelOptions.RERANK, TestData.testModel("tiny-cross-encoder").toString());

        runScript(conf);
        List<String> lines =
                Topics.values(
                        PIPELINE.kafka().clientProperties(),
                        conf.get(QueryOptions.RESULTS_TOPIC),
                        52 * RERANK_TOP_N,
                        Duration.ofMinutes(2));
        Map<String, List<JsonNode>> byQuery = new HashMap<>();
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            byQuery.computeIfAbsent(n.get("query_id").asText(), k -> new ArrayList<>()).add(n);
        }
        assertThat(byQuery).hasSize(52);

        // The candidates: the search's best RERANK_TOP_N, as the query job searches.
        conf.set(QueryOptions.RERANK, false);
        Map<String, QueryResult> searched = queryCore(conf, SearchRequest.Mode.DENSE, RERANK_TOP_N);
        conf.set(QueryOptions.RERANK, true);
        Map<String, QueryResult> reranked = queryCore(conf, SearchRequest.Mode.DENSE, TOP_K);
        for (TextRecord q : QUERIES) {
            List<JsonNode> hits = new ArrayList<>(byQuery.get(q.id()));
            hits.sort(Comparator.comparingDouble((JsonNode n) -> -n.get("score").asDouble()));
            assertThat(hits.stream().map(n -> n.get("doc_id").asText()).toList())
                    .as("query %s candidates", q.id())
                    .containsExactlyElementsOf(
                            searched.get(q.id()).hits().stream()
                                    .map(QueryResult.Hit::docId)
                                    .toList());
            hits.sort(
                    Comparator.comparingDouble((JsonNode n) -> -n.get("rerank_score").asDouble()));
            List<QueryResult.Hit> expected = reranked.get(q.id()).hits();
            assertThat(expected).hasSize(TOP_K);
            for (int i = 0; i < TOP_K; i++) {
                assertThat(hits.get(i).get("doc_id").asText())
                        .as("query %s reranked %d", q.id(), i + 1)
                        .isEqualTo(expected.get(i).docId());
                assertThat(hits.get(i).get("rerank_score").asDouble())
                        .isCloseTo(expected.get(i).rerankScore(), within(1e-4));
            }
        }
    }

    /**
     * Runs conf/sql/query.sql with {@code conf}'s keys for its ${key}s, bounded by the topic's
     * current end, through {@link SqlScript} as {@code bin/fhs sql} runs it.
     */
    static void runScript(Configuration conf) throws Exception {
        Map<String, String> values = new HashMap<>(conf.toMap());
        values.put(QdrantOptions.URL.key(), conf.get(QdrantOptions.URL));
        values.put(KafkaOptions.BOOTSTRAP_SERVERS.key(), conf.get(KafkaOptions.BOOTSTRAP_SERVERS));
        values.put("query.mode", "dense");
        values.put("query.bounded-mode", "latest-offset");
        values.putIfAbsent(ModelOptions.DENSE.key(), ModelOptions.DENSE.defaultValue());
        values.putIfAbsent(ModelOptions.SPARSE.key(), ModelOptions.SPARSE.defaultValue());
        String script = Files.readString(TestData.conf("sql/query.sql"));
        SqlScript.execute(sql(), script, values)
                .orElseThrow(() -> new AssertionError("the query script has no INSERT"))
                .await();
    }
}
