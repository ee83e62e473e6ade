package io.fhs.jobs.query;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.kafka.KafkaRecordDeserializer;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.options.Connectivity;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The query job: Kafka -> parse (bad queries become error results) -> micro-batched encoding ->
 * async Qdrant search (dense, sparse or hybrid with RRF/DBSF) -> micro-batched cross-encoder
 * reranking -> results on Kafka, keyed by query_id. Every query yields exactly one result.
 */
@PublicEvolving
public final class QueryJob {
    private QueryJob() {}

    /**
     * Adds the query graph to {@code env}; tests pass their own source and sink. Its stages are
     * {@link QueryCore}'s, each in an async operator.
     */
    public static void build(
            StreamExecutionEnvironment env,
            DataStream<KafkaRecord> queries,
            Sink<QueryResult> results,
            QuerySettings settings,
            QdrantConnection qdrant) {
        env.getConfig().enableObjectReuse();
        int capacity = settings.capacity();
        // Encoding and reranking wait for their batch and the queries ahead of it; the search
        // stage answers at its own deadline, so its operator timeout is only a backstop.
        long stageTimeout = settings.deadline().toMillis() * 4;
        DataStream<QueryWork> parsed =
                queries.process(
                                new ParseQueries(
                                        new QueryParser(
                                                settings.topK(),
                                                settings.mode(),
                                                settings.rerank())))
                        .name("parse")
                        .uid("parse");
        DataStream<QueryWork> encoded =
                AsyncDataStream.unorderedWait(
                                parsed,
                                new EncodeQueriesFunction(settings),
                                stageTimeout,
                                TimeUnit.MILLISECONDS,
                                capacity)
                        .name("encode")
                        .uid("encode");
        DataStream<QueryWork> searched =
                AsyncDataStream.unorderedWait(
                                encoded,
                                new SearchQueriesFunction(qdrant, settings),
                                settings.deadline().toMillis() + 1000,
                                TimeUnit.MILLISECONDS,
                                capacity)
                        .name("search")
                        .uid("search");
        AsyncDataStream.unorderedWait(
                        searched,
                        new RerankFunction(settings),
                        stageTimeout,
                        TimeUnit.MILLISECONDS,
                        capacity)
                .name("rerank")
                .uid("rerank")
                .map(new ToResult())
                .name("to-result")
                .uid("to-result")
                .sinkTo(results)
                .name("results")
                .uid("results");
    }

    /** Production wiring: queries from Kafka, results to Kafka. */
    public static void buildFromKafka(
            StreamExecutionEnvironment env, Configuration conf, boolean bounded) {
        buildFromKafka(env, conf, bounded, QuerySettings.from(conf));
    }

    /**
     * As {@link #buildFromKafka(StreamExecutionEnvironment, Configuration, boolean)}, with the
     * settings given (the collection's stored quantization among them).
     */
    public static void buildFromKafka(
            StreamExecutionEnvironment env,
            Configuration conf,
            boolean bounded,
            QuerySettings settings) {
        Properties kafka = KafkaOptions.properties(conf);
        var builder =
                KafkaSource.<KafkaRecord>builder()
                        .setProperties(kafka)
                        .setTopics(conf.get(QueryOptions.TOPIC))
                        .setGroupId(conf.get(QueryOptions.GROUP_ID))
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(
                                        conf.get(QueryOptions.FROM_EARLIEST)
                                                ? OffsetResetStrategy.EARLIEST
                                                : OffsetResetStrategy.LATEST))
                        .setDeserializer(new KafkaRecordDeserializer());
        if (bounded) {
            builder.setStartingOffsets(OffsetsInitializer.earliest());
            builder.setBounded(OffsetsInitializer.latest());
        }
        Properties producer = new Properties();
        producer.putAll(kafka);
        // A result is somebody's answer: Kafka 4's default linger (5 ms) would wait on each one
        // for others to batch with; kafka.properties.linger.ms still sets it.
        producer.putIfAbsent("linger.ms", "0");
        KafkaSink<QueryResult> sink =
                KafkaSink.<QueryResult>builder()
                        .setKafkaProducerConfig(producer)
                        .setRecordSerializer(
                                new QueryResultSerializer(conf.get(QueryOptions.RESULTS_TOPIC)))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build();
        env.enableCheckpointing(conf.get(QueryOptions.CHECKPOINT_INTERVAL).toMillis());
        build(
                env,
                env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "kafka")
                        .uid("kafka-source"),
                sink,
                settings,
                QdrantOptions.connection(conf));
    }

    /** Entry point on a cluster: {@code [--config FILE] [-Dkey=value ...]}. */
    public static void main(String[] args) throws Exception {
        Configuration conf = ConfigLoader.load(args);
        Connectivity.check(conf);
        // The file's Flink keys (restart-strategy.*, execution.checkpointing.*) apply to the job.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        buildFromKafka(env, conf, false);
        env.execute("fhs-query");
    }
}
