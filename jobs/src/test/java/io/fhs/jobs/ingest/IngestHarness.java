package io.fhs.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.Topics;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Runs the ingest graph over a bounded read of a real topic, as the tests need. */
public final class IngestHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestHarness() {}

    public static Configuration conf(
            String topic, String collection, QdrantConnection qdrant, KafkaCluster kafka) {
        Configuration c = new Configuration();
        c.set(IngestOptions.TOPIC, topic);
        c.set(IngestOptions.DEAD_LETTER_TOPIC, topic + "-dlq");
        c.set(IngestOptions.GROUP_ID, "test-" + topic);
        c.set(QdrantOptions.COLLECTION, collection);
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.set(QdrantOptions.URL, "http://" + qdrant.host() + ":" + qdrant.grpcPort());
        return c;
    }

    public static void produce(
            KafkaCluster kafka, String topic, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        Properties p = kafka.clientProperties();
        p.put("linger.ms", "5");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.flush();
        }
    }

    /** The records the tests produce for {@code docs}, as the job reads them. */
    static List<KafkaRecord> records(List<TextRecord> docs, String topic) {
        List<KafkaRecord> out = new ArrayList<>();
        for (TextRecord d : docs) {
            String value =
                    JSON.createObjectNode().put("id", d.id()).put("text", d.text()).toString();
            out.add(
                    new KafkaRecord(
                            topic,
                            0,
                            out.size(),
                            0L,
                            d.id().getBytes(StandardCharsets.UTF_8),
                            value.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** The documents as JSON records {@code {"id", "text"}} keyed by their id. */
    public static List<ProducerRecord<byte[], byte[]>> documents(
            String topic, List<TextRecord> docs) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (TextRecord d : docs) {
            String value =
                    JSON.createObjectNode().put("id", d.id()).put("text", d.text()).toString();
            out.add(record(topic, d.id(), value));
        }
        return out;
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic,
                0,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Runs the job until it has read everything now in the topic. */
    public static void runBounded(Configuration conf, QdrantConnection qdrant, int parallelism)
            throws Exception {
        runBounded(conf, parallelism, StreamExecutionEnvironment.getExecutionEnvironment(), s -> s);
    }

    /**
     * Runs the job until it has read everything now in the topic, with {@code inject} applied to
     * the records before the ingest graph (tests use it to inject failures).
     */
    static void runBounded(
            Configuration conf,
            int parallelism,
            StreamExecutionEnvironment env,
            UnaryOperator<DataStream<KafkaRecord>> inject)
            throws Exception {
        build(conf, parallelism, env, inject);
        env.execute("ingest-test");
    }

    /**
     * An environment for failure-injection tests: checkpoints every 200 ms (an injected failure
     * finds some completed) and three quick restarts.
     */
    static StreamExecutionEnvironment failoverEnvironment() {
        Configuration flinkConf = new Configuration();
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        flinkConf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        env.enableCheckpointing(200);
        return env;
    }

    /**
     * Starts the job over what is now in the topic and returns at once, for tests that act while it
     * runs; the job finishes once it has read everything.
     */
    static JobClient startBounded(Configuration conf, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(conf, parallelism, env, s -> s);
        return env.executeAsync("ingest-test");
    }

    private static void build(
            Configuration conf,
            int parallelism,
            StreamExecutionEnvironment env,
            UnaryOperator<DataStream<KafkaRecord>> inject) {
        CollectionLayout.prepare(conf);
        env.setParallelism(parallelism);
        // The production wiring (IngestJob's source, the dead-letter and Qdrant sinks), with only
        // the test's injection between the source and the graph.
        IngestJob.build(
                env,
                inject.apply(IngestJob.kafkaRecords(env, conf, true)),
                IngestConnectors.deadLetterSink(conf),
                IngestConnectors.qdrantSinkWithDeadLetters(conf),
                conf);
    }

    static List<String> readAll(KafkaCluster kafka, String topic, int expected) {
        return Topics.values(kafka.clientProperties(), topic, expected, Duration.ofSeconds(20));
    }
}
