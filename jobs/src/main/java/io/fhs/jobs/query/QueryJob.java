package io.fhs.jobs.query;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.kafka.KafkaRecordDeserializer;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.ingest.QuantizationSetup;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.util.concurrent.TimeUnit;
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

/**
 * The query job: Kafka -> parse (bad queries become error results) -> micro-batched encoding ->
 * async Qdrant search (dense, sparse or hybrid with RRF/DBSF) -> micro-batched cross-encoder
 * reranking -> results on Kafka, keyed by query_id. Every query yields exactly one result.
 */
public final class QueryJob {
    private QueryJob() {}

    /** Adds the query graph to {@code env}; tests pass their own source and sink. */
    public static void build(
            StreamExecutionEnvironment env,
            DataStream<KafkaRecord> queries,
            Sink<QueryResult> results,
            Configuration conf) {
        build(env, queries, results, conf, storedQuantization(conf));
    }

    /** As {@link #build}, with the collection's quantization given rather than read from it. */
    public static void build(
            StreamExecutionEnvironment env,
            DataStream<KafkaRecord> queries,
            Sink<QueryResult> results,
            Configuration conf,
            VectorQuantization quantization) {
        QueryOptions.validate(conf);
        if (quantization.mode() == VectorQuantization.Mode.INT8
                && conf.get(QueryOptions.FUSION) == SearchRequest.Fusion.DBSF) {
            // Measured on CACM: hybrid NDCG@10 0.25 with DBSF against 0.54 with RRF.
            throw new IllegalArgumentException(
                    QueryOptions.FUSION.key()
                            + " DBSF misranks int8 collections, whose Euclid distances it"
                            + " normalises the wrong way up; use RRF");
        }
        env.getConfig().enableObjectReuse();
        int capacity = conf.get(QueryOptions.CAPACITY);
        DataStream<QueryWork> parsed =
                queries.process(
                                new ParseQueries(
                                        new QueryParser(
                                                conf.get(QueryOptions.TOP_K),
                                                conf.get(QueryOptions.MODE),
                                                conf.get(QueryOptions.RERANK))))
                        .name("parse")
                        .uid("parse");
        DataStream<QueryWork> encoded =
                AsyncDataStream.unorderedWait(
                                parsed,
                                new EncodeQueriesFunction(
                                        conf.get(IngestOptions.DENSE_MODEL),
                                        conf.get(IngestOptions.SPARSE_MODEL),
                                        conf.get(IngestOptions.BM25_AVG_LEN),
                                        quantization,
                                        conf.get(QueryOptions.BATCH_SIZE),
                                        conf.get(QueryOptions.MAX_WAIT)),
                                conf.get(QueryOptions.DEADLINE).toMillis() * 4,
                                TimeUnit.MILLISECONDS,
                                capacity)
                        .name("encode")
                        .uid("encode");
        SearchQueriesFunction.Plan plan =
                SearchQueriesFunction.Plan.from(conf, quantization.mode());
        DataStream<QueryWork> searched =
                AsyncDataStream.unorderedWait(
                                encoded,
                                new SearchQueriesFunction(IngestJob.qdrant(conf), plan),
                                conf.get(QueryOptions.DEADLINE).toMillis(),
                                TimeUnit.MILLISECONDS,
                                capacity)
                        .name("search")
                        .uid("search");
        AsyncDataStream.unorderedWait(
                        searched,
                        new RerankFunction(
                                conf.getOptional(QueryOptions.RERANK_MODEL).orElse(null),
                                conf.get(QueryOptions.RERANK_TOP_N),
                                conf.get(QueryOptions.RETURN_TEXT),
                                conf.get(QueryOptions.BATCH_SIZE),
                                conf.get(QueryOptions.MAX_WAIT)),
                        conf.get(QueryOptions.DEADLINE).toMillis() * 4,
                        TimeUnit.MILLISECONDS,
                        capacity)
                .name("rerank")
                .uid("rerank")
                .map(QueryWork::result)
                .name("to-result")
                .uid("to-result")
                .sinkTo(results)
                .name("results")
                .uid("results");
    }

    /** The quantization the ingest job stored with the collection (none if it stored nothing). */
    static VectorQuantization storedQuantization(Configuration conf) {
        try (QdrantClient client = IngestJob.qdrant(conf).open()) {
            return QuantizationSetup.stored(client, conf.get(IngestOptions.COLLECTION))
                    .orElse(VectorQuantization.none());
        }
    }

    /** Production wiring: queries from Kafka, results to Kafka. */
    public static void buildFromKafka(
            StreamExecutionEnvironment env, Configuration conf, boolean bounded) {
        buildFromKafka(env, conf, bounded, storedQuantization(conf));
    }

    private static void buildFromKafka(
            StreamExecutionEnvironment env,
            Configuration conf,
            boolean bounded,
            VectorQuantization quantization) {
        String bootstrap = IngestJob.bootstrapServers(conf);
        var builder =
                KafkaSource.<KafkaRecord>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(conf.get(QueryOptions.TOPIC))
                        .setGroupId(conf.get(QueryOptions.GROUP_ID))
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(
                                        conf.get(QueryOptions.FROM_EARLIEST)
                                                ? org.apache.kafka.clients.consumer
                                                        .OffsetResetStrategy.EARLIEST
                                                : org.apache.kafka.clients.consumer
                                                        .OffsetResetStrategy.LATEST))
                        .setDeserializer(new KafkaRecordDeserializer());
        if (bounded) {
            builder.setStartingOffsets(OffsetsInitializer.earliest());
            builder.setBounded(OffsetsInitializer.latest());
        }
        KafkaSink<QueryResult> sink =
                KafkaSink.<QueryResult>builder()
                        .setBootstrapServers(bootstrap)
                        .setRecordSerializer(
                                new QueryResultSerializer(conf.get(QueryOptions.RESULTS_TOPIC)))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build();
        env.enableCheckpointing(conf.get(IngestOptions.CHECKPOINT_INTERVAL).toMillis());
        build(
                env,
                env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "kafka")
                        .uid("kafka-source"),
                sink,
                conf,
                quantization);
    }

    /** Entry point on a cluster: {@code [--config FILE] [-Dkey=value ...]}. */
    public static void main(String[] args) throws Exception {
        Configuration conf = io.fhs.jobs.config.YamlConfig.load(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        buildFromKafka(env, conf, false);
        env.execute("fhs-query");
    }
}
