package io.fhs.jobs.sql;

import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.INT;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.rerank.CrossEncoder;
import io.fhs.operators.rerank.CrossEncoder.TextPair;
import io.fhs.operators.similarity.ExactSearch;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseEncoders;
import io.fhs.operators.sparse.SparseVector;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The onnx model provider and FHS_CHUNKS through SQL on a MiniCluster, against the plain-Java
 * encoders they wrap and the sentence-transformers reference scores.
 */
class OnnxModelSqlITCase {
    /** Keeps the metrics of finished jobs, to see how rows were batched. */
    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** The generated tiny models, as operators' build lays them out. */
    static final Path TEST_MODELS =
            Paths.get(System.getProperty("fhs.test.models.dir", "../operators/target/test-models"));

    /**
     * The semantic-search example of the sentence-transformers documentation and the scores {@code
     * SentenceTransformer("all-MiniLM-L6-v2")} prints for it: the reference of operators'
     * DenseEncoderGoldenTest, whose constants a test of another module cannot reach.
     */
    static final List<String> CORPUS =
            List.of(
                    "Machine learning is a field of study that gives computers the ability to learn without being explicitly programmed.",
                    "Deep learning is part of a broader family of machine learning methods based on artificial neural networks with representation learning.",
                    "Neural networks are computing systems vaguely inspired by the biological neural networks that constitute animal brains.",
                    "Mars rovers are robotic vehicles designed to travel on the surface of Mars to collect data and perform experiments.",
                    "The James Webb Space Telescope is the largest optical telescope in space, designed to conduct infrared astronomy.",
                    "SpaceX's Starship is designed to be a fully reusable transportation system capable of carrying humans to Mars and beyond.",
                    "Global warming is the long-term heating of Earth's climate system observed since the pre-industrial period due to human activities.",
                    "Renewable energy sources include solar, wind, hydro, and geothermal power that naturally replenish over time.",
                    "Carbon capture technologies aim to collect CO2 emissions before they enter the atmosphere and store them underground.");

    static final List<String> QUERIES =
            List.of(
                    "How do artificial neural networks work?",
                    "What technology is used for modern space exploration?",
                    "How can we address climate change challenges?");

    static final int[][] TOP5 = {{2, 1, 0, 3, 8}, {3, 5, 4, 7, 8}, {6, 8, 7, 0, 1}};

    static final double[][] SCORES = {
        {0.5926, 0.5288, 0.4647, 0.1381, 0.0912},
        {0.3754, 0.3669, 0.3452, 0.2625, 0.2275},
        {0.3760, 0.3144, 0.2948, 0.0420, 0.0411}
    };

    StreamTableEnvironment sql;

    @BeforeEach
    void tableEnvironment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        sql = StreamTableEnvironment.create(env);
    }

    void texts(String name, List<String> texts) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(Row.of(i, texts.get(i)));
        }
        Table table = sql.fromValues(ROW(FIELD("id", INT()), FIELD("text", STRING())), rows);
        sql.createTemporaryView(name, table);
    }

    /** Column 1 of each row, by the row's id in column 0. */
    Map<Integer, Object> byId(String query) throws Exception {
        Map<Integer, Object> out = new TreeMap<>();
        try (CloseableIterator<Row> rows = sql.executeSql(query).collect()) {
            rows.forEachRemaining(r -> out.put((Integer) r.getField(0), r.getField(1)));
        }
        return out;
    }

    static float[] floats(Object array) {
        Float[] boxed = (Float[]) array;
        float[] out = new float[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    List<float[]> embed(String model, String role, String table) throws Exception {
        sql.executeSql(
                "CREATE MODEL "
                        + model
                        + " INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH ("
                        + "'provider' = 'onnx', 'model' = 'all-MiniLM-L6-v2', 'role' = '"
                        + role
                        + "')");
        List<float[]> out = new ArrayList<>();
        byId("SELECT id, embedding FROM ML_PREDICT(TABLE "
                        + table
                        + ", MODEL "
                        + model
                        + ", DESCRIPTOR(text))")
                .values()
                .forEach(v -> out.add(floats(v)));
        return out;
    }

    @Test
    void denseEmbeddingsReproduceSentenceTransformersScores() throws Exception {
        texts("corpus", CORPUS);
        texts("queries", QUERIES);
        List<float[]> corpus = embed("doc_encoder", "document", "corpus");
        List<float[]> queries = embed("query_encoder", "query", "queries");
        assertThat(corpus).hasSize(CORPUS.size());
        assertThat(queries).hasSize(QUERIES.size());
        try (DenseEncoder plain = DenseEncoder.open("all-MiniLM-L6-v2")) {
            float[][] expected = plain.encode(CORPUS, Role.DOCUMENT);
            for (int i = 0; i < CORPUS.size(); i++) {
                assertThat(corpus.get(i)).as("document %d", i).containsExactly(expected[i]);
            }
            for (int q = 0; q < QUERIES.size(); q++) {
                List<ExactSearch.Hit> hits =
                        ExactSearch.topK(queries.get(q), corpus, 5, plain.similarity());
                for (int r = 0; r < 5; r++) {
                    assertThat(hits.get(r).index())
                            .as("query %d rank %d", q, r)
                            .isEqualTo(TOP5[q][r]);
                    assertThat(hits.get(r).score())
                            .as("query %d rank %d", q, r)
                            .isCloseTo((float) SCORES[q][r], within(0.00005f + 1e-6f));
                }
            }
        }
    }

    @Test
    void rowsShareMicroBatches() throws Exception {
        sql.getConfig().set("parallelism.default", "1");
        sql.getConfig().set("table.exec.async-ml-predict.max-concurrent-operations", "16");
        texts("corpus", CORPUS);
        sql.executeSql(
                "CREATE MODEL batched INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH ("
                        + "'provider' = 'onnx', 'model' = 'all-MiniLM-L6-v2',"
                        + " 'batch-size' = '9', 'max-wait' = '5 s')");
        TableResult result =
                sql.executeSql(
                        "SELECT id, embedding FROM ML_PREDICT(TABLE corpus, MODEL batched,"
                                + " DESCRIPTOR(text))");
        List<float[]> got = new ArrayList<>();
        try (CloseableIterator<Row> rows = result.collect()) {
            rows.forEachRemaining(r -> got.add(floats(r.getField(1))));
        }
        JobID job = result.getJobClient().orElseThrow().getJobID();
        // All nine rows in flight at once fill one batch of nine, long before max-wait.
        assertThat(counter(job, "batchedRows")).isEqualTo(CORPUS.size());
        assertThat(counter(job, "batches")).isEqualTo(1);
        assertThat(got).hasSize(CORPUS.size());
    }

    static long counter(JobID job, String name) {
        long sum = 0;
        for (Map.Entry<String, Metric> m : METRICS.getMetricsByIdentifiers(job).entrySet()) {
            if (m.getKey().endsWith("." + name) && m.getValue() instanceof Counter c) {
                sum += c.getCount();
            }
        }
        return sum;
    }

    @Test
    void sparseVectorsEqualThePlainEncoders() throws Exception {
        texts("corpus", CORPUS);
        Path splade = TEST_MODELS.resolve("tiny-splade").toAbsolutePath();
        for (String model : List.of("bm25", splade.toString())) {
            String name = model.equals("bm25") ? "bm25" : "splade";
            sql.executeSql(
                    "CREATE MODEL "
                            + name
                            + " INPUT (text STRING) OUTPUT (terms MAP<INT, FLOAT>) WITH ("
                            + "'provider' = 'onnx', 'kind' = 'sparse', 'model' = '"
                            + model
                            + "')");
            Map<Integer, Object> got =
                    byId(
                            "SELECT id, terms FROM ML_PREDICT(TABLE corpus, MODEL "
                                    + name
                                    + ", DESCRIPTOR(text))");
            try (SparseEncoder plain = SparseEncoders.open(model)) {
                List<SparseVector> expected = plain.encode(CORPUS, Role.DOCUMENT);
                assertThat(got).hasSize(CORPUS.size());
                for (int i = 0; i < CORPUS.size(); i++) {
                    assertThat(got.get(i))
                            .as("%s document %d", name, i)
                            .isEqualTo(asMap(expected.get(i)));
                    assertThat(expected.get(i).size()).as("%s document %d", name, i).isPositive();
                }
            }
        }
    }

    static Map<Integer, Float> asMap(SparseVector v) {
        Map<Integer, Float> map = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            map.put(v.indices()[i], v.values()[i]);
        }
        return map;
    }

    @Test
    void crossEncoderScoresEqualCrossEncoders() throws Exception {
        Path model = TEST_MODELS.resolve("tiny-cross-encoder").toAbsolutePath();
        List<Row> rows = new ArrayList<>();
        List<TextPair> pairs = new ArrayList<>();
        for (int i = 0; i < CORPUS.size(); i++) {
            String query = QUERIES.get(i % QUERIES.size());
            rows.add(Row.of(i, query, CORPUS.get(i)));
            pairs.add(new TextPair(query, CORPUS.get(i)));
        }
        sql.createTemporaryView(
                "pairs",
                sql.fromValues(
                        ROW(FIELD("id", INT()), FIELD("query", STRING()), FIELD("doc", STRING())),
                        rows));
        sql.executeSql(
                "CREATE MODEL reranker INPUT (query STRING, doc STRING) OUTPUT (score FLOAT)"
                        + " WITH ('provider' = 'onnx', 'task' = 'scoring', 'model' = '"
                        + model
                        + "')");
        Map<Integer, Object> got =
                byId(
                        "SELECT id, score FROM ML_PREDICT(TABLE pairs, MODEL reranker,"
                                + " DESCRIPTOR(query, doc))");
        try (CrossEncoder plain = new CrossEncoder(ModelLocator.resolve(model.toString()))) {
            float[] expected = plain.predict(pairs);
            assertThat(got).hasSize(pairs.size());
            for (int i = 0; i < expected.length; i++) {
                assertThat((Float) got.get(i)).as("pair %d", i).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void chunksEqualTheIngestJobsChunker() throws Exception {
        String longText = String.join(" ", CORPUS) + " " + String.join(" ", CORPUS);
        texts("docs", List.of(longText, CORPUS.get(0)));
        sql.executeSql("CREATE FUNCTION FHS_CHUNKS AS '" + ChunksFunction.class.getName() + "'");
        List<Row> got = new ArrayList<>();
        try (CloseableIterator<Row> rows =
                sql.executeSql(
                                "SELECT id, chunk, start_offset, end_offset, chunk_text FROM docs,"
                                        + " LATERAL TABLE(FHS_CHUNKS(text, 'all-MiniLM-L6-v2', 16))")
                        .collect()) {
            rows.forEachRemaining(got::add);
        }
        got.sort(
                Comparator.comparing((Row r) -> (Integer) r.getField(0))
                        .thenComparing(r -> (Integer) r.getField(1)));
        List<Row> expected = new ArrayList<>();
        try (Chunker chunker = Chunker.forDocuments(ModelLocator.resolve("all-MiniLM-L6-v2"), 16)) {
            List<String> docs = List.of(longText, CORPUS.get(0));
            for (int d = 0; d < docs.size(); d++) {
                for (Chunk c : chunker.chunk(docs.get(d))) {
                    expected.add(Row.of(d, c.index(), c.start(), c.end(), c.text()));
                }
            }
        }
        assertThat(expected.size()).as("the long text is cut").isGreaterThan(2);
        assertThat(got).containsExactlyElementsOf(expected);
    }

    @Test
    void badOptionsFailAtPlanningNamingTheOption() {
        texts("corpus", CORPUS);
        sql.executeSql(
                "CREATE MODEL typo INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH ("
                        + "'provider' = 'onnx', 'model' = 'all-MiniLM-L6-v2', 'role' = 'querry')");
        assertThatThrownBy(
                        () ->
                                sql.explainSql(
                                        "SELECT * FROM ML_PREDICT(TABLE corpus, MODEL typo,"
                                                + " DESCRIPTOR(text))"))
                .hasStackTraceContaining(
                        "onnx model option 'role' must be one of query, document, got 'querry'");

        sql.executeSql(
                "CREATE MODEL missing INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH ("
                        + "'provider' = 'onnx', 'model' = 'no-such-model')");
        assertThatThrownBy(
                        () ->
                                sql.explainSql(
                                        "SELECT * FROM ML_PREDICT(TABLE corpus, MODEL missing,"
                                                + " DESCRIPTOR(text))"))
                .hasStackTraceContaining("onnx model option 'model' names no model");

        sql.executeSql(
                "CREATE MODEL wrong_output INPUT (text STRING) OUTPUT (embedding ARRAY<DOUBLE>)"
                        + " WITH ('provider' = 'onnx', 'model' = 'all-MiniLM-L6-v2')");
        assertThatThrownBy(
                        () ->
                                sql.explainSql(
                                        "SELECT * FROM ML_PREDICT(TABLE corpus, MODEL"
                                                + " wrong_output, DESCRIPTOR(text))"))
                .hasStackTraceContaining("gives OUTPUT of one ARRAY<FLOAT> column");

        sql.executeSql(
                "CREATE MODEL unknown_key INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)"
                        + " WITH ('provider' = 'onnx', 'model' = 'all-MiniLM-L6-v2',"
                        + " 'batch_size' = '8')");
        assertThatThrownBy(
                        () ->
                                sql.explainSql(
                                        "SELECT * FROM ML_PREDICT(TABLE corpus, MODEL"
                                                + " unknown_key, DESCRIPTOR(text))"))
                .hasStackTraceContaining("batch_size");
    }
}
