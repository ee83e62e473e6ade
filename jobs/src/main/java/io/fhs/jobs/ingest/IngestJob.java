package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.DeadLetter;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantWrite;
import io.fhs.jobs.collection.StoredQuantization;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.Connectivity;
import io.fhs.jobs.options.EncodeOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The ingest job: Kafka -> validate (bad records to the dead-letter topic) -> per-document version
 * gate -> chunk -> micro-batched dense + sparse encoding -> (optionally) near-duplicate marks ->
 * Qdrant. Whatever one record holds, it ends in Qdrant or in the dead-letter topic: validation,
 * chunking and encoding failures of one record go there from their stage, writes Qdrant refuses
 * from the sink.
 *
 * <p>{@link #build} takes the source and sinks as parameters so tests run the very same graph;
 * {@link IngestConnectors} makes the production ones, {@link CollectionLayout} the collection.
 */
@PublicEvolving
public final class IngestJob {
    private IngestJob() {}

    /** Adds the ingest graph to {@code env}. */
    public static void build(
            StreamExecutionEnvironment env,
            DataStream<KafkaRecord> records,
            Sink<DeadLetter> deadLetters,
            Sink<QdrantWrite> qdrant,
            Configuration conf) {
        IngestOptions.sanityCheck(conf);
        // Chained operators hand records on without a serializer copy: every function here emits
        // new objects and none mutates its input, which is what object reuse requires.
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<DocumentEvent> documents =
                records.process(new ValidateFunction(new DocumentParser(conf)))
                        .name("validate")
                        .uid("validate");
        SingleOutputStreamOperator<DocumentEvent> gated =
                documents
                        .keyBy(DocumentEvent::docId)
                        .process(new VersionGate(conf.get(IngestOptions.DELETE_UNSEEN_TAILS)))
                        .name("version-gate")
                        .uid("version-gate");
        // During a reindex, the changes also go to the new collection, encoded with its models.
        gated.sinkTo(new ReindexMirror(conf)).name("reindex-mirror").uid("reindex-mirror");
        SingleOutputStreamOperator<ChunkRecord> chunks =
                gated.process(
                                new ChunkFunction(
                                        conf.get(ModelOptions.DENSE),
                                        conf.get(ChunkOptions.OVERLAP_TOKENS),
                                        conf.get(ChunkOptions.STORE_TEXT),
                                        ModelOptions.sparseScope(conf),
                                        conf.get(EncodeOptions.CHUNK_PIECES)))
                        .name("chunk")
                        .uid("chunk");

        // Ordered: a document's writes (and a delete after an upsert) keep their order.
        DataStream<EncodedChunk> encoded =
                AsyncDataStream.orderedWait(
                                chunks,
                                new EncodeChunksFunction(
                                        conf.get(ModelOptions.DENSE),
                                        conf.get(ModelOptions.SPARSE),
                                        conf.get(ModelOptions.BM25_AVG_LEN),
                                        conf.get(EncodeOptions.BATCH_SIZE),
                                        conf.get(EncodeOptions.MAX_WAIT),
                                        conf.get(EncodeOptions.THREADS),
                                        conf.get(EncodeOptions.WORKERS),
                                        ModelOptions.truncateDim(conf)),
                                conf.get(EncodeOptions.TIMEOUT).toMillis(),
                                TimeUnit.MILLISECONDS,
                                conf.get(EncodeOptions.CAPACITY))
                        .name("encode")
                        .uid("encode");

        SingleOutputStreamOperator<EncodedChunk> encodedOk =
                encoded.process(new EncodeFailures())
                        .name("encode-failures")
                        .uid("encode-failures");
        documents
                .getSideOutput(ValidateFunction.DEAD_LETTERS)
                .union(
                        chunks.getSideOutput(ValidateFunction.DEAD_LETTERS),
                        encodedOk.getSideOutput(ValidateFunction.DEAD_LETTERS))
                .sinkTo(deadLetters)
                .name("dead-letters")
                .uid("dead-letters");

        DataStream<EncodedChunk> checked =
                conf.getOptional(IngestOptions.DUPLICATES_THRESHOLD).isPresent()
                        ? markDuplicates(encodedOk, conf)
                        : encodedOk;
        checked.map(new QuantizeFunction(quantization(conf)))
                .name("quantize")
                .uid("quantize")
                .flatMap(new ToQdrantWrites())
                .name("to-qdrant-writes")
                .uid("to-qdrant-writes")
                .sinkTo(qdrant)
                .name("qdrant")
                .uid("qdrant");
    }

    /**
     * Entry point on a Flink cluster: {@code [--config FILE] [-Dkey=value ...]} (the cluster's REST
     * API passes these as program arguments). Prepares the collection, then runs until cancelled.
     */
    public static void main(String[] args) throws Exception {
        Configuration conf = ConfigLoader.load(args);
        IngestOptions.sanityCheck(conf);
        ModelOptions.checkModels(conf);
        Connectivity.check(conf);
        // The graph writes the physical collection behind the alias, whatever the alias does later.
        Configuration writing = CollectionLayout.prepareWriting(conf);
        // The file's Flink keys (restart-strategy.*, execution.checkpointing.*) apply to the job.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        buildFromKafka(env, writing, false);
        env.execute("fhs-ingest");
    }

    /**
     * The near-duplicate check ({@link MarkDuplicatesFunction}), before quantization so it compares
     * float vectors. Ordered, as the encoder: a chunk's original is the one written first.
     */
    static DataStream<EncodedChunk> markDuplicates(
            DataStream<EncodedChunk> chunks, Configuration conf) {
        CollectionSpec.Distance distance = CollectionLayout.spec(conf).distance();
        if (distance != CollectionSpec.Distance.COSINE) {
            throw new ConfigException(
                    IngestOptions.DUPLICATES_THRESHOLD.key()
                            + " compares cosine similarities, but "
                            + conf.get(ModelOptions.DENSE)
                            + " makes a collection of distance "
                            + distance);
        }
        return AsyncDataStream.orderedWait(
                        chunks,
                        new MarkDuplicatesFunction(
                                QdrantOptions.connection(conf),
                                conf.get(QdrantOptions.COLLECTION),
                                conf.get(IngestOptions.DUPLICATES_THRESHOLD).floatValue(),
                                conf.get(IngestOptions.DUPLICATES_RECENT_CHUNKS),
                                conf.get(IngestOptions.DUPLICATES_TIMEOUT),
                                conf.get(EncodeOptions.BATCH_SIZE),
                                conf.get(EncodeOptions.MAX_WAIT)),
                        conf.get(EncodeOptions.TIMEOUT).toMillis(),
                        TimeUnit.MILLISECONDS,
                        conf.get(EncodeOptions.CAPACITY))
                .name("mark-duplicates")
                .uid("mark-duplicates");
    }

    /**
     * The quantization the collection was prepared with ({@link CollectionLayout#prepare} stores
     * it); read when the graph is built, so every subtask quantizes with the same ranges.
     */
    static VectorQuantization quantization(Configuration conf) {
        if (conf.get(IngestOptions.CLIENT_QUANTIZATION) == VectorQuantization.Mode.NONE) {
            return VectorQuantization.none();
        }
        String collection = conf.get(QdrantOptions.COLLECTION);
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            return StoredQuantization.read(client, collection)
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "Collection "
                                                    + collection
                                                    + " has no stored quantization; prepare it"
                                                    + " with CollectionLayout.prepare first"));
        }
    }

    /**
     * The production wiring: Kafka in, Kafka dead letters, Qdrant out. With {@code bounded} the job
     * stops once it has read what the topic holds when it starts (for batch loads and demos).
     */
    public static void buildFromKafka(
            StreamExecutionEnvironment env, Configuration conf, boolean bounded) {
        env.enableCheckpointing(conf.get(IngestOptions.CHECKPOINT_INTERVAL).toMillis());
        build(
                env,
                kafkaRecords(env, conf, bounded),
                IngestConnectors.deadLetterSink(conf),
                IngestConnectors.qdrantSinkWithDeadLetters(conf),
                conf);
    }

    /** The topic's records as the job reads them: its source, under its stable uid. */
    public static DataStream<KafkaRecord> kafkaRecords(
            StreamExecutionEnvironment env, Configuration conf, boolean bounded) {
        return env.fromSource(
                        IngestConnectors.kafkaSource(conf, bounded),
                        WatermarkStrategy.noWatermarks(),
                        "kafka")
                .uid("kafka-source");
    }
}
