package io.fhs.jobs.sql;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;

import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.IngestHarness;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * The SQL side of the VECTOR_SEARCH tests: a CACM collection filled by the DataStream ingest job,
 * the encoders as onnx models, the qdrant table and the query rows.
 */
final class CacmSql {
    /** The ingest tests' BM25 average length for CACM, so query and documents weigh alike. */
    static final double BM25_AVG_LEN = 60.0;

    private CacmSql() {}

    /**
     * Ingests the first {@code n} CACM documents into {@code collection} with the ingest job; the
     * ingest configuration, which the query side reads too.
     */
    static Configuration ingest(PipelineExtension pipeline, String collection, int n)
            throws Exception {
        String topic = collection + "-docs";
        IngestHarness.produce(
                pipeline.kafka(), topic, IngestHarness.documents(topic, TestData.cacmDocuments(n)));
        Configuration conf =
                IngestHarness.conf(
                        topic, collection, pipeline.qdrantConnection(), pipeline.kafka());
        conf.set(ModelOptions.BM25_AVG_LEN, BM25_AVG_LEN);
        IngestHarness.runBounded(conf, pipeline.qdrantConnection(), 2);
        return conf;
    }

    /** The query encoders the query job uses, as ML_PREDICT models. */
    static void models(TableEnvironment sql) {
        sql.executeSql(
                "CREATE MODEL dense_encoder INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)"
                        + " WITH ('provider' = 'onnx', 'model' = 'all-MiniLM-L6-v2',"
                        + " 'role' = 'query')");
        sql.executeSql(
                "CREATE MODEL sparse_encoder INPUT (text STRING) OUTPUT (terms MAP<INT, FLOAT>)"
                        + " WITH ('provider' = 'onnx', 'kind' = 'sparse', 'model' = 'bm25',"
                        + " 'role' = 'query', 'bm25.avg-len' = '"
                        + BM25_AVG_LEN
                        + "')");
        sql.executeSql(
                "CREATE FUNCTION FHS_HYBRID_QUERY AS '"
                        + HybridQueryFunction.class.getName()
                        + "'");
    }

    /** A qdrant table {@code name} on {@code collection}, with {@code extra} WITH options. */
    static void table(TableEnvironment sql, String name, Configuration ingest, String extra) {
        sql.executeSql(
                "CREATE TABLE "
                        + name
                        + " (doc_id STRING, chunk INT, title STRING, text STRING,"
                        + " dense_score FLOAT, sparse_score FLOAT, vector ARRAY<FLOAT>)"
                        + " WITH ('connector' = 'qdrant', 'url' = '"
                        + ingest.get(QdrantOptions.URL)
                        + "', 'collection' = '"
                        + ingest.get(QdrantOptions.COLLECTION)
                        + "'"
                        + extra
                        + ")");
    }

    /** {@code queries (query_id, query)}: the given query texts, in order. */
    static void queries(TableEnvironment sql, List<TextRecord> queries) {
        List<Row> rows = new ArrayList<>();
        for (TextRecord q : queries) {
            rows.add(Row.of(q.id(), q.text()));
        }
        sql.createTemporaryView(
                "queries",
                sql.fromValues(ROW(FIELD("query_id", STRING()), FIELD("query", STRING())), rows));
        sql.executeSql(
                "CREATE TEMPORARY VIEW dense_queries AS SELECT * FROM"
                        + " ML_PREDICT(TABLE queries, MODEL dense_encoder, DESCRIPTOR(query))");
        sql.executeSql(
                "CREATE TEMPORARY VIEW encoded AS SELECT query_id, query, embedding,"
                        + " FHS_HYBRID_QUERY(embedding, terms) AS hybrid FROM"
                        + " ML_PREDICT(TABLE dense_queries, MODEL sparse_encoder,"
                        + " DESCRIPTOR(query))");
    }

    /** The rows of {@code query} by their column 0 (a query id), in arrival order per id. */
    static Map<String, List<Row>> byQuery(TableEnvironment sql, String query) throws Exception {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        try (CloseableIterator<Row> rows = sql.executeSql(query).collect()) {
            rows.forEachRemaining(
                    r ->
                            out.computeIfAbsent((String) r.getField(0), k -> new ArrayList<>())
                                    .add(r));
        }
        return out;
    }

    /**
     * The search of every encoded query, {@code config} as the CONFIG map ("" for none). Flink 2.2
     * plans VECTOR_SEARCH only as {@code SELECT * FROM t, LATERAL TABLE(VECTOR_SEARCH(...,
     * t.column, k))}, without aliases (with them it fails to find a plan): columns are chosen
     * around it.
     */
    static String search(String table, String queryColumn, int topK, String config) {
        return "SELECT query_id, doc_id, chunk, text, dense_score, sparse_score, vector, score"
                + " FROM (SELECT * FROM encoded, LATERAL TABLE(VECTOR_SEARCH(TABLE "
                + table
                + ", DESCRIPTOR(vector), encoded."
                + queryColumn
                + ", "
                + topK
                + (config.isEmpty() ? "" : ", " + config)
                + ")))";
    }

    /** The doc ids of rows from {@link #search}, in order. */
    static List<String> docIds(List<Row> rows) {
        return rows.stream().map(r -> (String) r.getField(1)).toList();
    }

    /** The scores of rows from {@link #search}, in order. */
    static List<Double> scores(List<Row> rows) {
        return rows.stream().map(r -> (Double) r.getField(7)).toList();
    }

    /** Every message of {@code e} and its causes: the planner wraps the source's. */
    static String messages(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.append(t.getMessage()).append('\n');
        }
        return out.toString();
    }
}
