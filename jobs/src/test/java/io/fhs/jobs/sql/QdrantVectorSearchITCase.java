package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * VECTOR_SEARCH on a qdrant table filled by the ingest job: its rows against the query core's hits,
 * the CONFIG keys that work, and bad options failing when the statement is planned.
 */
class QdrantVectorSearchITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final int DOCS = 300;
    static final List<TextRecord> QUERIES = JsonLines.read(TestData.cacmQueries()).subList(0, 4);

    static Configuration ingest;
    static Map<String, QueryResult> dense;
    static Map<String, QueryResult> hybrid;

    StreamTableEnvironment sql;

    @BeforeAll
    static void fill() throws Exception {
        ingest = CacmSql.ingest(PIPELINE, "vsearch", DOCS);
        dense = queryCore(SearchRequest.Mode.DENSE);
        hybrid = queryCore(SearchRequest.Mode.HYBRID);
    }

    static Map<String, QueryResult> queryCore(SearchRequest.Mode mode) {
        Map<String, QueryResult> out = new HashMap<>();
        try (QueryCore core =
                QueryCore.open(
                        QuerySettings.from(ingest, PIPELINE.qdrantConnection()),
                        PIPELINE.qdrantConnection())) {
            List<Query> asked = new ArrayList<>();
            QUERIES.forEach(q -> asked.add(core.query(q.id(), q.text(), mode, 10, false)));
            for (QueryResult r : core.runAll(asked)) {
                assertThat(r.error()).isNull();
                out.put(r.queryId(), r);
            }
        }
        return out;
    }

    @BeforeEach
    void tables() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        sql = StreamTableEnvironment.create(env);
        CacmSql.models(sql);
        CacmSql.queries(sql, QUERIES);
        CacmSql.table(sql, "docs", ingest, "");
    }

    @Test
    void rowsAreTheQueryCoresDocumentsWithTheirColumnsAndScore() throws Exception {
        Map<String, List<Row>> got =
                CacmSql.byQuery(sql, CacmSql.search("docs", "embedding", 10, ""));
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(dense.keySet());
        for (TextRecord q : QUERIES) {
            List<Row> rows = got.get(q.id());
            List<QueryResult.Hit> hits = dense.get(q.id()).hits();
            assertThat(hits).hasSize(10);
            Rankings.assertSame(q.id(), rows, hits);
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                QueryResult.Hit h = hits.get(i);
                assertThat(r.getField(2)).isEqualTo(h.chunk());
                assertThat(r.getField(3)).isEqualTo(h.text());
                assertThat(r.getField(4)).isEqualTo(h.denseScore());
                // A dense search has no sparse score, and points come back without vectors.
                assertThat(r.getField(5)).isNull();
                assertThat(r.getField(6)).isNull();
            }
        }
    }

    @Test
    void configKeysThatWork() throws Exception {
        for (String config :
                List.of(
                        "MAP['async', 'false']",
                        "MAP['async', 'true', 'timeout', '30s', 'max-concurrent-operations', '2']",
                        "MAP['search.exact', 'true', 'search.deadline', '20s']")) {
            Map<String, List<Row>> got =
                    CacmSql.byQuery(sql, CacmSql.search("docs", "embedding", 10, config));
            for (TextRecord q : QUERIES) {
                Rankings.assertSame(
                        q.id() + " " + config, got.get(q.id()), dense.get(q.id()).hits());
            }
        }
        Map<String, List<Row>> fused =
                CacmSql.byQuery(
                        sql, CacmSql.search("docs", "hybrid", 10, "MAP['search.mode', 'hybrid']"));
        for (TextRecord q : QUERIES) {
            Rankings.assertSameUpToTies(q.id(), fused.get(q.id()), hybrid.get(q.id()).hits());
        }
        String only = dense.get(QUERIES.get(0).id()).hits().get(2).docId();
        Map<String, List<Row>> filtered =
                CacmSql.byQuery(
                        sql,
                        CacmSql.search(
                                "docs",
                                "embedding",
                                10,
                                "MAP['search.filter', 'doc_id:" + only + "']"));
        for (List<Row> rows : filtered.values()) {
            assertThat(CacmSql.docIds(rows)).containsOnly(only);
        }
        assertThat(filtered.get(QUERIES.get(0).id())).hasSize(1);
    }

    @Test
    void tableOptionsSetTheSearch() throws Exception {
        CacmSql.table(
                sql,
                "hybrid_docs",
                ingest,
                ", 'search.mode' = 'hybrid', 'search.rrf-k' = '2',"
                        + " 'search.client-fusion' = 'true'");
        Map<String, List<Row>> got =
                CacmSql.byQuery(sql, CacmSql.search("hybrid_docs", "hybrid", 10, ""));
        for (TextRecord q : QUERIES) {
            List<Row> rows = got.get(q.id());
            assertThat(rows).hasSize(10);
            // RRF with k = 2 scores the best of both lists 1/3 + 1/3 at most.
            assertThat(CacmSql.scores(rows).get(0))
                    .isGreaterThanOrEqualTo(1.0 / 3 - 1e-6)
                    .isLessThanOrEqualTo(2.0 / 3 + 1e-6);
        }
        // Fused on the client, each hit reports the scores of both lists it was found in.
        assertThat(got.values().stream().flatMap(List::stream))
                .anyMatch(r -> r.getField(4) != null)
                .anyMatch(r -> r.getField(5) != null);
    }

    @Test
    void badOptionsFailWhenPlanned() {
        CacmSql.table(sql, "bad_mode", ingest, ", 'search.mode' = 'fuzzy'");
        CacmSql.table(sql, "bad_rrf", ingest, ", 'search.rrf-k' = '0'");
        CacmSql.table(sql, "bad_key", ingest, ", 'search.nope' = '1'");
        CacmSql.table(
                sql,
                "bad_fusion",
                ingest,
                ", 'search.fusion' = 'DBSF', 'search.dense-weight' = '2'");
        sql.executeSql(
                "CREATE TABLE bad_column (doc_id STRING, doc_rank INT, vector ARRAY<FLOAT>) WITH"
                        + " ('connector' = 'qdrant', 'collection' = 'vsearch')");
        assertPlanningFails(
                CacmSql.search("bad_mode", "embedding", 10, ""), "search.mode", "fuzzy");
        assertPlanningFails(CacmSql.search("bad_rrf", "embedding", 10, ""), "search.rrf-k");
        assertPlanningFails(CacmSql.search("bad_key", "embedding", 10, ""), "search.nope");
        assertPlanningFails(
                CacmSql.search("bad_fusion", "embedding", 10, ""), "search.dense-weight");
        assertPlanningFails(
                "SELECT * FROM encoded, LATERAL TABLE(VECTOR_SEARCH(TABLE bad_column,"
                        + " DESCRIPTOR(vector), encoded.embedding, 10))",
                "'doc_rank' holds nothing a search returns");
        assertPlanningFails(
                CacmSql.search("docs", "embedding", 10, "MAP['nope', '1']"),
                "unknown VECTOR_SEARCH CONFIG key 'nope'",
                "search.mode");
        assertPlanningFails(
                CacmSql.search("docs", "embedding", 10, "MAP['search.candidates', '-1']"),
                "search.candidates");
        assertPlanningFails(
                CacmSql.search("docs", "embedding", 10, "MAP['search.mode', 'sideways']"),
                "search.mode");
    }

    void assertPlanningFails(String query, String... inMessage) {
        assertThatThrownBy(() -> sql.executeSql(query).await())
                .satisfies(
                        e -> {
                            String messages = CacmSql.messages(e);
                            for (String m : inMessage) {
                                assertThat(messages).contains(m);
                            }
                            // Planned, not run: no job got as far as opening the function.
                            assertThat(messages).doesNotContain("JobExecutionException");
                        });
    }
}
