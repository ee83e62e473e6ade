package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.DeadLetter;
import io.fhs.connectors.kafka.DeadLetterSerializer;
import io.fhs.connectors.kafka.KafkaConnectivity;
import io.fhs.connectors.kafka.KafkaProperties;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.kafka.KafkaRecordDeserializer;
import io.fhs.connectors.kafka.KafkaRejectedWrites;
import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.QdrantConnectivity;
import io.fhs.connectors.qdrant.QdrantSink;
import io.fhs.connectors.qdrant.QdrantSinkBuilder;
import io.fhs.connectors.qdrant.QdrantWrite;
import io.fhs.connectors.qdrant.RejectedWriteHandler;
import io.fhs.connectors.qdrant.RetryPolicy;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.SentenceTransformerConfig;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.similarity.SimilarityFunction;
import io.fhs.operators.sparse.SparseEncoders;
import io.qdrant.client.QdrantClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The ingest job: Kafka -> validate (bad records to the dead-letter topic) -> per-document version
 * gate -> chunk -> micro-batched dense + sparse encoding -> Qdrant. Whatever one record holds, it
 * ends in Qdrant or in the dead-letter topic: validation, chunking and encoding failures of one
 * record go there from their stage, writes Qdrant refuses from the sink.
 *
 * <p>{@link #build} takes the source and sinks as parameters so tests run the very same graph.
 */
public final class IngestJob {
    private IngestJob() {}

    /** Adds the ingest graph to {@code env}. */
    public static void build(
            StreamExecutionEnvironment env,
            DataStream<KafkaRecord> records,
            Sink<DeadLetter> deadLetters,
            Sink<QdrantWrite> qdrant,
            Configuration conf) {
        IngestOptions.validate(conf);
        // Chained operators hand records on without a serializer copy: every function here emits
        // new objects and none mutates its input, which is what object reuse requires.
        env.getConfig().enableObjectReuse();
        SingleOutputStreamOperator<DocumentEvent> documents =
                records.process(new ValidateFunction(new DocumentParser(conf)))
                        .name("validate")
                        .uid("validate");
        SingleOutputStreamOperator<ChunkRecord> chunks =
                documents
                        .keyBy(DocumentEvent::docId)
                        .process(new VersionGate(conf.get(IngestOptions.DELETE_UNSEEN_TAILS)))
                        .name("version-gate")
                        .uid("version-gate")
                        .process(
                                new ChunkFunction(
                                        conf.get(IngestOptions.DENSE_MODEL),
                                        conf.get(IngestOptions.CHUNK_OVERLAP),
                                        conf.get(IngestOptions.STORE_TEXT),
                                        conf.get(IngestOptions.SPARSE_SCOPE)
                                                .resolve(conf.get(IngestOptions.SPARSE_MODEL))))
                        .name("chunk")
                        .uid("chunk");

        // Ordered: a document's writes (and a delete after an upsert) keep their order.
        DataStream<EncodedChunk> encoded =
                AsyncDataStream.orderedWait(
                                chunks,
                                new EncodeChunksFunction(
                                        conf.get(IngestOptions.DENSE_MODEL),
                                        conf.get(IngestOptions.SPARSE_MODEL),
                                        conf.get(IngestOptions.BM25_AVG_LEN),
                                        conf.get(IngestOptions.ENCODE_BATCH_SIZE),
                                        conf.get(IngestOptions.ENCODE_MAX_WAIT),
                                        conf.get(IngestOptions.ENCODE_THREADS),
                                        conf.get(IngestOptions.ENCODE_WORKERS)),
                                conf.get(IngestOptions.ENCODE_TIMEOUT).toMillis(),
                                TimeUnit.MILLISECONDS,
                                conf.get(IngestOptions.ENCODE_CAPACITY))
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

        encodedOk
                .map(new QuantizeFunction(quantization(conf)))
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
        Configuration conf = io.fhs.jobs.config.YamlConfig.load(args);
        checkModels(conf);
        checkConnections(conf);
        prepareCollection(conf);
        // The file's Flink keys (restart-strategy.*, execution.checkpointing.*) apply to the job.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        buildFromKafka(env, conf, false);
        env.execute("fhs-ingest");
    }

    /** The collection the job writes, from the models and options. */
    public static CollectionSpec collectionSpec(Configuration conf) {
        String sparse = conf.get(IngestOptions.SPARSE_MODEL);
        // The configuration says the dimension and similarity: no need to load the ONNX graph.
        SentenceTransformerConfig dense =
                SentenceTransformerConfig.load(
                        ModelLocator.resolve(conf.get(IngestOptions.DENSE_MODEL)));
        boolean hasSparse = !"none".equalsIgnoreCase(sparse);
        return new CollectionSpec(
                conf.get(IngestOptions.COLLECTION),
                CollectionSpec.DEFAULT_DENSE_NAME,
                dense.embeddingDimension(),
                distance(conf, dense.similarity()),
                datatype(conf),
                conf.get(IngestOptions.ON_DISK),
                conf.get(IngestOptions.HNSW_M),
                conf.get(IngestOptions.HNSW_EF_CONSTRUCT),
                // Binary vectors are searched through Qdrant's binary quantization.
                conf.get(IngestOptions.VECTOR_QUANTIZATION) == VectorQuantization.Mode.BINARY
                        ? CollectionSpec.Quantization.BINARY
                        : conf.get(IngestOptions.QUANTIZATION),
                conf.get(IngestOptions.QUANTIZATION_ALWAYS_RAM),
                hasSparse ? CollectionSpec.DEFAULT_SPARSE_NAME : null,
                hasSparse && SparseEncoders.BM25.equalsIgnoreCase(sparse),
                conf.get(IngestOptions.PAYLOAD_INDEXES));
    }

    /**
     * The quantization the collection was prepared with ({@link #prepareCollection} stores it);
     * read when the graph is built, so every subtask quantizes with the same ranges.
     */
    static VectorQuantization quantization(Configuration conf) {
        if (conf.get(IngestOptions.VECTOR_QUANTIZATION) == VectorQuantization.Mode.NONE) {
            return VectorQuantization.none();
        }
        String collection = conf.get(IngestOptions.COLLECTION);
        try (QdrantClient client = qdrant(conf).open()) {
            return QuantizationSetup.stored(client, collection)
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "Collection "
                                                    + collection
                                                    + " has no stored quantization; prepare it"
                                                    + " with IngestJob.prepareCollection first"));
        }
    }

    private static CollectionSpec.Distance distance(
            Configuration conf, SimilarityFunction similarity) {
        return switch (conf.get(IngestOptions.VECTOR_QUANTIZATION)) {
            case NONE -> CollectionSpec.Distance.forSimilarity(similarity.stName());
            // The per-dimension shift of int8 codes breaks dot products, not distances.
            case INT8 -> CollectionSpec.Distance.EUCLID;
            // Float query . (+-1): sentence-transformers' rescoring of binary embeddings.
            case BINARY -> CollectionSpec.Distance.DOT;
        };
    }

    private static CollectionSpec.Datatype datatype(Configuration conf) {
        return switch (conf.get(IngestOptions.VECTOR_QUANTIZATION)) {
            case NONE -> CollectionSpec.Datatype.FLOAT32;
            case INT8 -> CollectionSpec.Datatype.UINT8;
            case BINARY -> CollectionSpec.Datatype.FLOAT16;
        };
    }

    public static QdrantConnection qdrant(Configuration conf) {
        String url = System.getenv("QDRANT_URL");
        return QdrantConnection.fromUrl(
                        url != null && !url.isBlank() ? url : conf.get(IngestOptions.QDRANT_URL),
                        qdrantApiKey(conf))
                .withCaFile(conf.get(IngestOptions.QDRANT_CA_FILE));
    }

    // The API key comes from the environment or a file of its own, never from the options, which
    // end up in command lines and job arguments.
    private static String qdrantApiKey(Configuration conf) {
        String env = System.getenv("QDRANT_API_KEY");
        if (env != null && !env.isBlank()) {
            return env;
        }
        String file = conf.get(IngestOptions.QDRANT_API_KEY_FILE);
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    IngestOptions.QDRANT_API_KEY_FILE.key() + ": cannot read " + file, e);
        }
    }

    /** The Kafka client properties of every client the jobs and tools open. */
    public static Properties kafkaProperties(Configuration conf) {
        return KafkaProperties.from(conf, IngestOptions.BOOTSTRAP_SERVERS);
    }

    /**
     * Fails within {@code kafka.check-timeout} when Kafka or Qdrant cannot be used as configured
     * (unreachable, wrong password, untrusted certificate, wrong API key), before a job starts.
     */
    public static void checkConnections(Configuration conf) {
        KafkaConnectivity.check(kafkaProperties(conf), conf.get(KafkaProperties.CHECK_TIMEOUT));
        QdrantConnectivity.check(qdrant(conf));
    }

    /**
     * Creates or checks the collection and settles its quantization (int8 calibrates on the first
     * documents of the topic); call once before the job starts.
     */
    public static VectorQuantization prepareCollection(Configuration conf) {
        return prepareCollection(conf, () -> CalibrationSample.fromTopic(conf));
    }

    /** As {@link #prepareCollection(Configuration)}, with int8 calibration texts from elsewhere. */
    public static VectorQuantization prepareCollection(
            Configuration conf, Supplier<List<String>> calibrationTexts) {
        IngestOptions.validate(conf);
        try (QdrantClient client = qdrant(conf).open()) {
            CollectionBootstrap.ensure(client, collectionSpec(conf));
            return QuantizationSetup.prepare(client, conf, calibrationTexts);
        }
    }

    /**
     * The production wiring: Kafka in, Kafka dead letters, Qdrant out. With {@code bounded} the job
     * stops once it has read what the topic holds when it starts (for batch loads and demos).
     */
    public static void buildFromKafka(
            StreamExecutionEnvironment env, Configuration conf, boolean bounded) {
        env.enableCheckpointing(conf.get(IngestOptions.CHECKPOINT_INTERVAL).toMillis());
        DataStream<KafkaRecord> records =
                env.fromSource(
                                kafkaSource(conf, bounded),
                                WatermarkStrategy.noWatermarks(),
                                "kafka")
                        .uid("kafka-source");
        build(env, records, deadLetterSink(conf), qdrantSinkWithDeadLetters(conf), conf);
    }

    /** The job's source: the topic from the group's committed offsets (else the earliest). */
    public static KafkaSource<KafkaRecord> kafkaSource(Configuration conf, boolean bounded) {
        var builder =
                KafkaSource.<KafkaRecord>builder()
                        .setProperties(kafkaProperties(conf))
                        .setTopics(conf.get(IngestOptions.TOPIC))
                        .setGroupId(conf.get(IngestOptions.GROUP_ID))
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new KafkaRecordDeserializer());
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The dead-letter topic's sink (at least once; every capped letter fits its requests). */
    public static KafkaSink<DeadLetter> deadLetterSink(Configuration conf) {
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(deadLetterProducerConfig(conf))
                .setRecordSerializer(deadLetterSerializer(conf))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** The Qdrant sink whose refused writes go to the dead-letter topic (stage qdrant). */
    public static QdrantSink<QdrantWrite> qdrantSinkWithDeadLetters(Configuration conf) {
        return qdrantSink(
                conf,
                new KafkaRejectedWrites(
                        deadLetterProducerConfig(conf), deadLetterSerializer(conf)));
    }

    /** The dead-letter serializer, with its payload cap. */
    public static DeadLetterSerializer deadLetterSerializer(Configuration conf) {
        return new DeadLetterSerializer(
                conf.get(IngestOptions.DEAD_LETTER_TOPIC),
                conf.get(IngestOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES));
    }

    /**
     * The dead-letter producers' properties (the KafkaSink's and the Qdrant sink's rejected
     * writes): the clients' properties, with a request limit that every capped letter fits.
     */
    public static Properties deadLetterProducerConfig(Configuration conf) {
        Properties p = kafkaProperties(conf);
        p.setProperty(
                "max.request.size",
                Integer.toString(
                        DeadLetterSerializer.maxRequestSize(
                                conf.get(IngestOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES))));
        return p;
    }

    /** The Qdrant sink; writes Qdrant refuses fail the job. */
    public static QdrantSink<QdrantWrite> qdrantSink(Configuration conf) {
        return qdrantSink(conf, null);
    }

    /** The Qdrant sink; writes Qdrant refuses go to {@code refused} (null: fail the job). */
    public static QdrantSink<QdrantWrite> qdrantSink(
            Configuration conf, RejectedWriteHandler refused) {
        return QdrantSink.<QdrantWrite>builder()
                .setElementConverter(QdrantSinkBuilder.identity())
                .setConnection(qdrant(conf))
                .setCollection(conf.get(IngestOptions.COLLECTION))
                .setRetryPolicy(
                        new RetryPolicy(
                                RetryPolicy.DEFAULT.initialBackoff(),
                                RetryPolicy.DEFAULT.maxBackoff(),
                                conf.get(IngestOptions.WRITE_MAX_RETRY_TIME)))
                .setRejectedWriteHandler(refused)
                .build();
    }

    public static String bootstrapServers(Configuration conf) {
        return KafkaProperties.bootstrapServers(conf, IngestOptions.BOOTSTRAP_SERVERS);
    }

    /**
     * The configured sparse encoder ({@code model.sparse}, BM25 with {@code model.bm25.avg-len}),
     * or null when it is {@code none}. The caller closes it.
     */
    public static io.fhs.operators.sparse.SparseEncoder openSparse(
            Configuration conf, io.fhs.operators.inference.EncoderOptions options) {
        String model = conf.get(IngestOptions.SPARSE_MODEL);
        return "none".equalsIgnoreCase(model)
                ? null
                : SparseEncoders.open(
                        model,
                        options,
                        io.fhs.operators.sparse.Bm25Options.defaults()
                                .withAvgLen(conf.get(IngestOptions.BM25_AVG_LEN)),
                        0);
    }

    /** Whether ModelLocator can find the configured models (fails early with its message). */
    public static void checkModels(Configuration conf) {
        ModelLocator.resolve(conf.get(IngestOptions.DENSE_MODEL));
    }
}
