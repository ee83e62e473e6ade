package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.DeadLetterSerializer;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.operators.quantize.VectorQuantization;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** Options of the ingest job; {@code conf/ingest.yaml} sets them, the command line overrides. */
public final class IngestOptions {
    private IngestOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription(
                            "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS overrides).");
    public static final ConfigOption<String> TOPIC =
            ConfigOptions.key("ingest.topic")
                    .stringType()
                    .defaultValue("documents")
                    .withDescription("Topic the documents arrive on.");
    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("ingest.group-id")
                    .stringType()
                    .defaultValue("fhs-ingest")
                    .withDescription("Kafka consumer group of the job.");
    public static final ConfigOption<String> DEAD_LETTER_TOPIC =
            ConfigOptions.key("ingest.dead-letter-topic")
                    .stringType()
                    .defaultValue("documents-dlq")
                    .withDescription("Topic for records that cannot be indexed, with the reason.");
    public static final ConfigOption<String> QDRANT_URL =
            ConfigOptions.key("qdrant.url")
                    .stringType()
                    .defaultValue("http://127.0.0.1:6333")
                    .withDescription("Qdrant URL (env QDRANT_URL overrides); https means TLS.");
    public static final ConfigOption<String> QDRANT_CA_FILE =
            ConfigOptions.key("qdrant.tls.ca-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file of the CA (or self-signed) certificate that an https Qdrant"
                                    + " server's certificate must chain to; default: the JVM's"
                                    + " trusted CAs.");
    public static final ConfigOption<String> QDRANT_API_KEY_FILE =
            ConfigOptions.key("qdrant.api-key-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A file that holds the Qdrant API key (e.g. a mounted secret); env"
                                    + " QDRANT_API_KEY takes precedence. The key itself never goes"
                                    + " into a configuration file.");
    public static final ConfigOption<CollectionSpec.Quantization> QUANTIZATION =
            ConfigOptions.key("qdrant.quantization")
                    .enumType(CollectionSpec.Quantization.class)
                    .defaultValue(CollectionSpec.Quantization.NONE)
                    .withDescription(
                            "Server-side quantization of the dense vectors: NONE, SCALAR (int8, 4x"
                                    + " smaller in RAM) or BINARY (32x smaller); searches rescore"
                                    + " with the original vectors.");
    public static final ConfigOption<VectorQuantization.Mode> VECTOR_QUANTIZATION =
            ConfigOptions.key("quantization")
                    .enumType(VectorQuantization.Mode.class)
                    .defaultValue(VectorQuantization.Mode.NONE)
                    .withDescription(
                            "Client-side quantization of the dense vectors before they are"
                                    + " stored: NONE (float32, 4 bytes a dimension), INT8"
                                    + " (calibrated ranges as sentence-transformers'"
                                    + " quantize_embeddings, stored as uint8, 1 byte) or BINARY"
                                    + " (sign bits as +-1 float16 with Qdrant's binary"
                                    + " quantization, 1 bit in RAM; searches rescore). The mode"
                                    + " and ranges are stored with the collection for queries.");
    public static final ConfigOption<String> CALIBRATION_FILE =
            ConfigOptions.key("quantization.calibration-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "INT8: a calibration JSON file ({starts, steps}) to use instead of"
                                    + " calibrating on the first documents of the topic.");
    public static final ConfigOption<Integer> CALIBRATION_SAMPLES =
            ConfigOptions.key("quantization.calibration-samples")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "INT8: how many chunks of the first documents on the topic calibrate"
                                    + " the ranges (sentence-transformers warns below 100).");
    public static final ConfigOption<Duration> CALIBRATION_TIMEOUT =
            ConfigOptions.key("quantization.calibration-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "INT8: how long to wait for calibration documents on the topic.");
    public static final ConfigOption<Boolean> QUANTIZATION_ALWAYS_RAM =
            ConfigOptions.key("qdrant.quantization.always-ram")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Keep quantized vectors in RAM even when originals are on disk.");
    public static final ConfigOption<Boolean> ON_DISK =
            ConfigOptions.key("qdrant.on-disk")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Store the original dense vectors on disk (memory-mapped).");
    public static final ConfigOption<Integer> HNSW_M =
            ConfigOptions.key("qdrant.hnsw.m")
                    .intType()
                    .defaultValue(CollectionSpec.DEFAULT_HNSW_M)
                    .withDescription("HNSW graph degree.");
    public static final ConfigOption<Integer> HNSW_EF_CONSTRUCT =
            ConfigOptions.key("qdrant.hnsw.ef-construct")
                    .intType()
                    .defaultValue(CollectionSpec.DEFAULT_HNSW_EF_CONSTRUCT)
                    .withDescription("HNSW candidate list size while building.");
    public static final ConfigOption<java.util.List<String>> PAYLOAD_INDEXES =
            ConfigOptions.key("qdrant.payload-indexes")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Payload fields to index as keywords for filtering (doc_id and chunk"
                                    + " always are), e.g. metadata.lang;metadata.source.");

    public static final ConfigOption<String> COLLECTION =
            ConfigOptions.key("qdrant.collection")
                    .stringType()
                    .defaultValue("documents")
                    .withDescription("Qdrant collection; created if missing, checked if present.");
    public static final ConfigOption<String> DENSE_MODEL =
            ConfigOptions.key("model.dense")
                    .stringType()
                    .defaultValue("all-MiniLM-L6-v2")
                    .withDescription("Bundled dense model name or model directory.");
    public static final ConfigOption<String> SPARSE_MODEL =
            ConfigOptions.key("model.sparse")
                    .stringType()
                    .defaultValue("bm25")
                    .withDescription("bm25, a SPLADE model directory, or none.");
    public static final ConfigOption<SparseScope> SPARSE_SCOPE =
            ConfigOptions.key("model.sparse.scope")
                    .enumType(SparseScope.class)
                    .defaultValue(SparseScope.AUTO)
                    .withDescription(
                            "What a sparse vector describes: DOCUMENT (the whole document, on its"
                                    + " first chunk only: BM25 statistics count documents, as in"
                                    + " Lucene), CHUNK (every chunk its own), or AUTO: DOCUMENT for"
                                    + " bm25, CHUNK for SPLADE models.");
    public static final ConfigOption<Double> BM25_AVG_LEN =
            ConfigOptions.key("model.bm25.avg-len")
                    .doubleType()
                    .defaultValue(256.0)
                    .withDescription("BM25 average document length in analyzed terms.");
    public static final ConfigOption<Integer> CHUNK_OVERLAP =
            ConfigOptions.key("chunk.overlap-tokens")
                    .intType()
                    .defaultValue(32)
                    .withDescription(
                            "Word pieces shared by consecutive chunks of a long document.");
    public static final ConfigOption<Boolean> STORE_TEXT =
            ConfigOptions.key("chunk.store-text")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Keep each chunk's text in the point payload.");
    public static final ConfigOption<Boolean> DELETE_UNSEEN_TAILS =
            ConfigOptions.key("ingest.delete-unseen-tails")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Also delete chunks beyond a document's new chunk count when this job"
                                    + " has not seen the document before. Needed when the job"
                                    + " starts without its state (no checkpoint or savepoint) on"
                                    + " a collection that already has points, or a document that"
                                    + " shrank keeps its old tail; costs one delete per new"
                                    + " document.");
    public static final ConfigOption<Integer> MAX_DOCUMENT_BYTES =
            ConfigOptions.key("ingest.max-document-bytes")
                    .intType()
                    .defaultValue(1_000_000)
                    .withDescription("Larger records go to the dead-letter topic.");
    public static final ConfigOption<Integer> MAX_METADATA_DEPTH =
            ConfigOptions.key("ingest.max-metadata-depth")
                    .intType()
                    .defaultValue(DocumentParser.QDRANT_MAX_METADATA_DEPTH)
                    .withDescription(
                            "Deepest nesting of objects and arrays in a document's metadata (the"
                                    + " metadata object itself is level 1); deeper documents go to"
                                    + " the dead-letter topic. The default, "
                                    + DocumentParser.QDRANT_MAX_METADATA_DEPTH
                                    + ", is what Qdrant 1.16's gRPC decoder takes; up to "
                                    + DocumentParser.MAX_METADATA_DEPTH_OPTION
                                    + " is allowed for servers that take more (Qdrant 1.16"
                                    + " refuses those writes: dead letters of stage qdrant).");

    /** Letters with this much payload still fit a broker's default message.max.bytes (1 MiB). */
    static final int MAX_DEAD_LETTER_PAYLOAD_BYTES = 512 * 1024;

    public static final ConfigOption<Integer> DEAD_LETTER_MAX_PAYLOAD_BYTES =
            ConfigOptions.key("ingest.dead-letter.max-payload-bytes")
                    .intType()
                    .defaultValue(DeadLetterSerializer.DEFAULT_MAX_PAYLOAD_BYTES)
                    .withDescription(
                            "Bytes of the original record a dead letter copies (the rest is cut,"
                                    + " payload_truncated says so). The dead-letter producer's"
                                    + " max.request.size is set from it, so every letter fits.");
    public static final ConfigOption<Integer> ENCODE_BATCH_SIZE =
            ConfigOptions.key("encode.batch-size")
                    .intType()
                    .defaultValue(256)
                    .withDescription(
                            "Chunks per micro-batch across records. The encoder sorts a batch by"
                                    + " length before cutting it into model calls, so larger"
                                    + " batches waste less padding: 2% at 256 against 6.5% at 64"
                                    + " on CACM. A partial batch waits at most encode.max-wait.");
    public static final ConfigOption<Duration> ENCODE_MAX_WAIT =
            ConfigOptions.key("encode.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(50))
                    .withDescription("How long a partial micro-batch waits for more chunks.");
    public static final ConfigOption<Integer> ENCODE_CAPACITY =
            ConfigOptions.key("encode.capacity")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "Chunks in flight in the encoder before backpressure; at least"
                                    + " encode.workers x encode.batch-size, or workers wait for"
                                    + " each other's batches.");
    public static final ConfigOption<Integer> ENCODE_THREADS =
            ConfigOptions.key("encode.threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "ONNX Runtime intra-op threads per encode worker, 0 for all cores;"
                                    + " workers x threads x subtasks should match the cores.");
    public static final ConfigOption<Integer> ENCODE_WORKERS =
            ConfigOptions.key("encode.workers")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Batches each encode subtask runs at once, sharing one model session."
                                    + " With 2 workers of 1 intra-op thread each, 2 cores stay busy"
                                    + " without the per-layer synchronisation of 2 intra-op threads.");
    public static final ConfigOption<Duration> ENCODE_TIMEOUT =
            ConfigOptions.key("encode.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("A chunk not encoded within this time fails the job.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("ingest.checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Checkpoints commit Kafka offsets and flush Qdrant writes.");
    public static final ConfigOption<Duration> WRITE_MAX_RETRY_TIME =
            ConfigOptions.key("qdrant.write.max-retry-time")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How long the Qdrant sink retries a streak of transient write failures"
                                    + " (backoff 100 ms doubling to 5 s) before it fails the job;"
                                    + " each restart of the job retries this long again, so the"
                                    + " restart-strategy attempts multiply it.");
    public static final ConfigOption<String> FIELD_ID =
            ConfigOptions.key("fields.id")
                    .stringType()
                    .defaultValue("id")
                    .withDescription("JSON field of the document id.");
    public static final ConfigOption<String> FIELD_TEXT =
            ConfigOptions.key("fields.text")
                    .stringType()
                    .defaultValue("text")
                    .withDescription("JSON field of the text.");
    public static final ConfigOption<String> FIELD_TITLE =
            ConfigOptions.key("fields.title")
                    .stringType()
                    .defaultValue("title")
                    .withDescription("JSON field of the title.");
    public static final ConfigOption<String> FIELD_METADATA =
            ConfigOptions.key("fields.metadata")
                    .stringType()
                    .defaultValue("metadata")
                    .withDescription("JSON field of the metadata object.");
    public static final ConfigOption<String> FIELD_OP =
            ConfigOptions.key("fields.op")
                    .stringType()
                    .defaultValue("op")
                    .withDescription("JSON field of the operation.");
    public static final ConfigOption<String> FIELD_VERSION =
            ConfigOptions.key("fields.version")
                    .stringType()
                    .defaultValue("version")
                    .withDescription("JSON field of the document version.");

    /** Checks values early, naming the option and why. */
    public static void validate(Configuration c) {
        positive(c, ENCODE_BATCH_SIZE);
        positive(c, ENCODE_CAPACITY);
        positive(c, MAX_DOCUMENT_BYTES);
        positive(c, MAX_METADATA_DEPTH);
        if (c.get(MAX_METADATA_DEPTH) > DocumentParser.MAX_METADATA_DEPTH_OPTION) {
            throw new IllegalArgumentException(
                    MAX_METADATA_DEPTH.key()
                            + " must be <= "
                            + DocumentParser.MAX_METADATA_DEPTH_OPTION
                            + " (Qdrant 1.16 refuses payloads nested deeper than "
                            + DocumentParser.QDRANT_MAX_METADATA_DEPTH
                            + "), got "
                            + c.get(MAX_METADATA_DEPTH));
        }
        if (c.get(MAX_DOCUMENT_BYTES) > DocumentParser.MAX_PAYLOAD_CHARS) {
            throw new IllegalArgumentException(
                    MAX_DOCUMENT_BYTES.key()
                            + " must be <= "
                            + DocumentParser.MAX_PAYLOAD_CHARS
                            + " (a point's payload must fit the Qdrant sink's record limit), got "
                            + c.get(MAX_DOCUMENT_BYTES));
        }
        int cap = c.get(DEAD_LETTER_MAX_PAYLOAD_BYTES);
        if (cap < 0 || cap > MAX_DEAD_LETTER_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(
                    DEAD_LETTER_MAX_PAYLOAD_BYTES.key()
                            + " must be between 0 and "
                            + MAX_DEAD_LETTER_PAYLOAD_BYTES
                            + " (a letter must fit a broker's default message.max.bytes of 1 MiB),"
                            + " got "
                            + cap);
        }
        positive(c, HNSW_M);
        positive(c, HNSW_EF_CONSTRUCT);
        positive(c, CALIBRATION_SAMPLES);
        positive(c, ENCODE_WORKERS);
        long fullBatches = (long) c.get(ENCODE_WORKERS) * c.get(ENCODE_BATCH_SIZE);
        if (c.get(ENCODE_CAPACITY) < fullBatches) {
            throw new IllegalArgumentException(
                    ENCODE_CAPACITY.key()
                            + " must be >= "
                            + ENCODE_WORKERS.key()
                            + " x "
                            + ENCODE_BATCH_SIZE.key()
                            + " = "
                            + fullBatches
                            + ", got "
                            + c.get(ENCODE_CAPACITY)
                            + ": with fewer chunks in flight, no worker ever gets a full batch");
        }
        if (c.get(VECTOR_QUANTIZATION) == VectorQuantization.Mode.BINARY
                && c.get(QUANTIZATION) == CollectionSpec.Quantization.SCALAR) {
            throw new IllegalArgumentException(
                    QUANTIZATION.key()
                            + " SCALAR cannot index "
                            + VECTOR_QUANTIZATION.key()
                            + " BINARY vectors; binary vectors use Qdrant's BINARY quantization");
        }
        if (c.get(CHUNK_OVERLAP) < 0) {
            throw new IllegalArgumentException(
                    CHUNK_OVERLAP.key() + " must be >= 0, got " + c.get(CHUNK_OVERLAP));
        }
        if (!(c.get(BM25_AVG_LEN) > 0)) {
            throw new IllegalArgumentException(
                    BM25_AVG_LEN.key() + " must be > 0, got " + c.get(BM25_AVG_LEN));
        }
        if (c.get(WRITE_MAX_RETRY_TIME).isNegative()) {
            throw new IllegalArgumentException(
                    WRITE_MAX_RETRY_TIME.key()
                            + " must not be negative, got "
                            + c.get(WRITE_MAX_RETRY_TIME));
        }
        for (ConfigOption<Duration> d :
                java.util.List.of(
                        ENCODE_MAX_WAIT,
                        ENCODE_TIMEOUT,
                        CHECKPOINT_INTERVAL,
                        CALIBRATION_TIMEOUT)) {
            if (c.get(d).isNegative() || (d != ENCODE_MAX_WAIT && c.get(d).isZero())) {
                throw new IllegalArgumentException(
                        d.key() + " must be a positive duration, got " + c.get(d));
            }
        }
    }

    private static void positive(Configuration c, ConfigOption<Integer> option) {
        if (c.get(option) < 1) {
            throw new IllegalArgumentException(
                    option.key() + " must be >= 1, got " + c.get(option));
        }
    }
}
