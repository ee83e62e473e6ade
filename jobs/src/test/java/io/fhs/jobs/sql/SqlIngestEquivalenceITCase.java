package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.kafka.DeadLetter;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.testing.Poll;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestConnectors;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.sql.CollectionPoints.Point;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.similarity.SimilarityFunction;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 600 CACM documents through conf/sql/ingest.sql and through the DataStream ingest job into two
 * collections: the same point ids, dense vectors of cosine 0.9999 or more, identical BM25 vectors
 * and identical payloads.
 */
class SqlIngestEquivalenceITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().slots(4).build();

    static final ObjectMapper JSON = new ObjectMapper();
    static final int DOCUMENTS = 600;

    @Test
    void theScriptWritesWhatTheIngestJobWrites() throws Exception {
        String topic = PIPELINE.name("cacm");
        produce(topic, TestData.cacmDocuments(DOCUMENTS));
        String jobCollection = PIPELINE.name("datastream");
        String sqlCollection = PIPELINE.name("sql");

        runIngestJob(topic, jobCollection);
        long expected = count(jobCollection);
        assertThat(expected).isGreaterThanOrEqualTo(DOCUMENTS);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment sql = StreamTableEnvironment.create(env);
        JobClient script =
                IngestScript.run(sql, IngestScript.variables(PIPELINE, topic, sqlCollection))
                        .getJobClient()
                        .orElseThrow();
        try {
            Poll.until(
                    Duration.ofMinutes(8),
                    "the script's points",
                    () -> count(sqlCollection),
                    n -> n >= expected);
        } finally {
            script.cancel().get();
        }

        Map<String, Point> byJob = read(jobCollection);
        Map<String, Point> bySql = read(sqlCollection);
        assertThat(bySql.keySet()).isEqualTo(byJob.keySet());
        int withSparse = 0;
        for (Map.Entry<String, Point> e : byJob.entrySet()) {
            Point job = e.getValue();
            Point fromSql = bySql.get(e.getKey());
            assertThat(SimilarityFunction.COSINE.score(fromSql.dense(), job.dense()))
                    .as("dense %s", e.getKey())
                    .isGreaterThanOrEqualTo(0.9999f);
            assertThat(fromSql.sparse()).as("bm25 %s", e.getKey()).isEqualTo(job.sparse());
            assertThat(CollectionPoints.payloadText(fromSql))
                    .as("payload %s", e.getKey())
                    .isEqualTo(CollectionPoints.payloadText(job));
            withSparse += job.sparse().isEmpty() ? 0 : 1;
        }
        assertThat(withSparse).as("first chunks with BM25 terms").isEqualTo(DOCUMENTS);
    }

    /** The DataStream job over what the topic holds, as CacmIngestITCase runs it. */
    static void runIngestJob(String topic, String collection) throws Exception {
        Configuration conf = new Configuration();
        conf.set(IngestOptions.TOPIC, topic);
        conf.set(IngestOptions.DEAD_LETTER_TOPIC, topic + "-dlq");
        conf.set(IngestOptions.GROUP_ID, "datastream-" + topic);
        conf.set(QdrantOptions.COLLECTION, collection);
        conf.set(QdrantOptions.URL, PIPELINE.qdrantUrl());
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, PIPELINE.bootstrapServers());
        conf.set(ModelOptions.BM25_AVG_LEN, 60.0);
        CollectionLayout.prepare(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Sink<DeadLetter> deadLetters = IngestConnectors.deadLetterSink(conf);
        IngestJob.build(
                env,
                IngestJob.kafkaRecords(env, conf, true),
                deadLetters,
                IngestConnectors.qdrantSinkWithDeadLetters(conf),
                conf);
        env.execute("datastream-ingest");
    }

    static void produce(String topic, List<TextRecord> docs) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        PIPELINE.kafka().clientProperties(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            for (TextRecord d : docs) {
                String value =
                        JSON.createObjectNode().put("id", d.id()).put("text", d.text()).toString();
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                0,
                                d.id().getBytes(StandardCharsets.UTF_8),
                                value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    static long count(String collection) {
        try (QdrantClient client = PIPELINE.qdrantConnection().open()) {
            return QdrantCalls.call("test count", () -> client.countAsync(collection, null, true));
        }
    }

    static Map<String, Point> read(String collection) {
        try (QdrantClient client = PIPELINE.qdrantConnection().open()) {
            return CollectionPoints.read(client, collection).byId();
        }
    }
}
