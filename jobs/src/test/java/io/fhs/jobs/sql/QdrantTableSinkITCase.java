package io.fhs.jobs.sql;

import static org.apache.flink.table.api.DataTypes.ARRAY;
import static org.apache.flink.table.api.DataTypes.BIGINT;
import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.FLOAT;
import static org.apache.flink.table.api.DataTypes.INT;
import static org.apache.flink.table.api.DataTypes.MAP;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.PointIds;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.testing.Poll;
import io.fhs.jobs.sql.CollectionPoints.Point;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.text.Chunker;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code qdrant} table sink on a MiniCluster against a real Qdrant (and, for the ingest script,
 * a real Kafka): the points it writes, how deletes remove a document, and the planning errors of
 * bad options.
 */
class QdrantTableSinkITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().slots(4).build();

    static final ObjectMapper JSON = new ObjectMapper();
    static final int DIM = 384;

    StreamTableEnvironment sql;

    @BeforeEach
    void tableEnvironment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        sql = StreamTableEnvironment.create(env);
    }

    String sinkTable(String name, String collection, String extraOptions) {
        return "CREATE TEMPORARY TABLE "
                + name
                + " (doc_id STRING, chunk INT, dense ARRAY<FLOAT>, sparse MAP<INT, FLOAT>,"
                + " text STRING, chunk_count INT, version BIGINT,"
                + " PRIMARY KEY (doc_id, chunk) NOT ENFORCED) WITH ('connector' = 'qdrant',"
                + " 'url' = '"
                + PIPELINE.qdrantUrl()
                + "', 'collection' = '"
                + collection
                + "', 'sink.chunk-column' = 'chunk', 'sink.sparse-column' = 'sparse'"
                + extraOptions
                + ")";
    }

    static Float[] vector(int seed) {
        Float[] v = new Float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) Math.sin(seed * 31 + i);
        }
        return v;
    }

    void insert(String table, List<Row> rows) throws Exception {
        sql.createTemporaryView(
                "input_" + table,
                sql.fromValues(
                        ROW(
                                FIELD("doc_id", STRING()),
                                FIELD("chunk", INT()),
                                FIELD("dense", ARRAY(FLOAT())),
                                FIELD("sparse", MAP(INT(), FLOAT())),
                                FIELD("text", STRING()),
                                FIELD("chunk_count", INT()),
                                FIELD("version", BIGINT())),
                        rows));
        sql.executeSql("INSERT INTO " + table + " SELECT * FROM input_" + table).await();
        sql.dropTemporaryView("input_" + table);
    }

    @Test
    void upsertsWriteThePointsTheIngestJobWouldAndShrinkingDropsTheTail() throws Exception {
        String collection = PIPELINE.name("points");
        sql.executeSql(sinkTable("version_1", collection, ""));
        List<Row> three = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            three.add(
                    Row.of(
                            "doc-a",
                            c,
                            vector(c),
                            c == 0 ? Map.of(7, 0.5f, 3, 1.25f) : null,
                            "chunk " + c,
                            3,
                            1L));
        }
        three.add(Row.of("doc-b", 0, vector(9), Map.of(1, 2f), "only", 1, null));
        insert("version_1", three);

        Map<String, Point> points = read(collection);
        assertThat(points)
                .containsOnlyKeys(id("doc-a", 0), id("doc-a", 1), id("doc-a", 2), id("doc-b", 0));
        Point a0 = points.get(id("doc-a", 0));
        float[] expected = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            expected[i] = vector(0)[i];
        }
        // Cosine collections store normalized vectors: compare directions.
        assertThat(cosine(a0.dense(), expected)).isGreaterThanOrEqualTo(0.99999f);
        assertThat(a0.sparse()).isEqualTo(Map.of(3, 1.25f, 7, 0.5f));
        assertThat(points.get(id("doc-a", 1)).sparse()).isEmpty();
        assertThat(CollectionPoints.payloadText(a0))
                .containsEntry("doc_id", "string_value: \"doc-a\"")
                .containsEntry("chunk", "integer_value: 0")
                .containsEntry("text", "string_value: \"chunk 0\"")
                .containsEntry("chunk_count", "integer_value: 3")
                .containsEntry("version", "integer_value: 1")
                .doesNotContainKeys("dense", "sparse");
        assertThat(CollectionPoints.payloadText(points.get(id("doc-b", 0))))
                .doesNotContainKey("version");

        // A new version of doc-a with one chunk: its last chunk's upsert deletes chunks 1 and 2.
        sql.executeSql(sinkTable("version_2", collection, ""));
        insert("version_2", List.of(Row.of("doc-a", 0, vector(5), null, "shrunk", 1, 2L)));
        points = read(collection);
        assertThat(points).containsOnlyKeys(id("doc-a", 0), id("doc-b", 0));
        assertThat(CollectionPoints.payloadText(points.get(id("doc-a", 0))))
                .containsEntry("text", "string_value: \"shrunk\"")
                .containsEntry("version", "integer_value: 2");
        assertThat(points.get(id("doc-a", 0)).sparse()).isEmpty();
    }

    static String id(String docId, int chunk) {
        return PointIds.of(docId, chunk).toString();
    }

    static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(na * nb));
    }

    static Map<String, Point> read(String collection) {
        try (QdrantClient client = PIPELINE.qdrantConnection().open()) {
            return CollectionPoints.read(client, collection).byId();
        }
    }

    static long count(String collection) {
        try (QdrantClient client = PIPELINE.qdrantConnection().open()) {
            return QdrantCalls.call("test count", () -> client.countAsync(collection, null, true));
        }
    }

    static void produce(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        PIPELINE.kafka().clientProperties(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic,
                0,
                key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    static String document(String id, String text) {
        return JSON.createObjectNode().put("id", id).put("text", text).toString();
    }

    @Test
    void theIngestScriptIndexesDocumentsAndATombstoneRemovesAllTheirChunks() throws Exception {
        String topic = PIPELINE.name("docs");
        String collection = PIPELINE.name("points");
        String longText = String.join(" ", OnnxModelSqlITCase.CORPUS).repeat(3);
        int longChunks;
        try (Chunker chunker = Chunker.forDocuments(ModelLocator.resolve("all-MiniLM-L6-v2"), 32)) {
            longChunks = chunker.chunk(longText).size();
        }
        assertThat(longChunks).isGreaterThan(2);
        produce(
                topic,
                List.of(
                        record(topic, "long", document("long", longText)),
                        record(topic, "short-1", document("short-1", "Time sharing systems")),
                        record(topic, "short-2", document("short-2", "Compilers for ALGOL"))));
        TableResult job =
                IngestScript.run(sql, IngestScript.variables(PIPELINE, topic, collection));
        JobClient client = job.getJobClient().orElseThrow();
        try {
            Poll.until(
                    Duration.ofMinutes(3),
                    "all chunks indexed",
                    () -> count(collection) == longChunks + 2);
            produce(topic, List.of(record(topic, "long", null)));
            Poll.until(
                    Duration.ofMinutes(1),
                    "the tombstoned document's points gone",
                    () -> count(collection) == 2);
            assertThat(read(collection)).containsOnlyKeys(id("short-1", 0), id("short-2", 0));
            assertThat(client.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            client.cancel().get();
        }
    }

    @Test
    void mlPredictRefusesAChangelogInput() {
        String topic = PIPELINE.name("docs");
        sql.executeSql(
                "CREATE TEMPORARY TABLE changelog (doc_id STRING, body STRING,"
                        + " PRIMARY KEY (doc_id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka',"
                        + " 'topic' = '"
                        + topic
                        + "', 'properties.bootstrap.servers' = '"
                        + PIPELINE.bootstrapServers()
                        + "', 'key.format' = 'raw', 'value.format' = 'raw',"
                        + " 'value.fields-include' = 'EXCEPT_KEY')");
        sql.executeSql(
                "CREATE TEMPORARY MODEL encoder INPUT (body STRING) OUTPUT (embedding"
                        + " ARRAY<FLOAT>) WITH ('provider' = 'onnx', 'model' = 'all-MiniLM-L6-v2')");
        assertThatThrownBy(
                        () ->
                                sql.explainSql(
                                        "SELECT * FROM ML_PREDICT(TABLE changelog, MODEL encoder,"
                                                + " DESCRIPTOR(body))"))
                .hasStackTraceContaining(
                        "StreamPhysicalMLPredictTableFunction doesn't support consuming update and"
                                + " delete changes");
    }

    @Test
    void badOptionsFailAtPlanningNamingTheOptionAndNeverTheKey(@TempDir Path dir) throws Exception {
        String collection = PIPELINE.name("points");
        String secret = "s3cr3t-api-key-42";
        Path keyFile = Files.writeString(dir.resolve("key"), secret);
        String withKey = ", 'api-key-file' = '" + keyFile + "'";
        sql.createTemporaryView(
                "input",
                sql.fromValues(
                        ROW(
                                FIELD("doc_id", STRING()),
                                FIELD("chunk", INT()),
                                FIELD("dense", ARRAY(FLOAT())),
                                FIELD("sparse", MAP(INT(), FLOAT())),
                                FIELD("text", STRING()),
                                FIELD("chunk_count", INT()),
                                FIELD("version", BIGINT())),
                        List.of(Row.of("d", 0, vector(1), null, "t", 1, 1L))));

        assertPlanningFails(
                sinkTable("typo", collection, withKey + ", 'sink.dense-colum' = 'dense'"),
                "typo",
                "sink.dense-colum",
                secret);
        assertPlanningFails(
                sinkTable("wrong_dense", collection, withKey + ", 'sink.dense-column' = 'text'"),
                "wrong_dense",
                "qdrant option 'sink.dense-column' names column 'text' of type",
                secret);
        assertPlanningFails(
                sinkTable("no_column", collection, withKey + ", 'sink.sparse-column' = 'terms'"),
                "no_column",
                "qdrant option 'sink.sparse-column' names column 'terms', which the table does"
                        + " not have",
                secret);
        assertPlanningFails(
                sinkTable("bad_hnsw", collection, withKey + ", 'hnsw.m' = '0'"),
                "bad_hnsw",
                "qdrant.hnsw.m",
                secret);
        assertPlanningFails(
                sinkTable("bad_url", collection, withKey)
                        .replace(PIPELINE.qdrantUrl(), "127.0.0.1"),
                "bad_url",
                "qdrant.url",
                secret);
        sql.executeSql(
                "CREATE TEMPORARY TABLE no_key (doc_id STRING, dense ARRAY<FLOAT>) WITH"
                        + " ('connector' = 'qdrant', 'collection' = 'x')");
        assertThatThrownBy(
                        () -> sql.explainSql("INSERT INTO no_key SELECT doc_id, dense FROM input"))
                .hasStackTraceContaining("A qdrant sink table needs a PRIMARY KEY");

        // With good options the plan (which prepares the collection) shows no key either.
        sql.executeSql(sinkTable("good", collection, withKey));
        String plan = sql.explainSql("INSERT INTO good SELECT * FROM input");
        assertThat(plan).contains("good").doesNotContain(secret);
        assertThat(count(collection)).isZero();
    }

    void assertPlanningFails(String ddl, String table, String message, String secret) {
        sql.executeSql(ddl);
        Throwable thrown = null;
        try {
            sql.explainSql("INSERT INTO " + table + " SELECT * FROM input");
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertThat(thrown).as(table).isNotNull();
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        assertThat(all.toString()).as(table).contains(message).doesNotContain(secret);
    }
}
