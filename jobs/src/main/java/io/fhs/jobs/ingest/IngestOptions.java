package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.DeadLetterSerializer;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.EncodeOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.OptionChecks;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Options of the ingest job alone ({@code ingest.*}, {@code fields.*} and the client-side {@code
 * quantization*}); {@code conf/ingest.yaml} sets them. What it shares with the query side is in
 * {@link KafkaOptions}, {@link QdrantOptions} and {@link ModelOptions}; chunking and encoding are
 * {@link ChunkOptions} and {@link EncodeOptions}.
 */
@PublicEvolving
public final class IngestOptions {
    private IngestOptions() {}

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
    public static final ConfigOption<VectorQuantization.Mode> CLIENT_QUANTIZATION =
            ConfigOptions.key("quantization")
                    .enumType(VectorQuantization.Mode.class)
                    .defaultValue(VectorQuantization.Mode.NONE)
                    .withDescription(
                            "Client-side quantization of the dense vectors the job stores (Qdrant's"
                                    + " server-side index over them is qdrant.quantization): NONE (float32, 4 bytes a dimension), INT8"
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
    public static final ConfigOption<Boolean> GUARDED_WRITES =
            ConfigOptions.key("ingest.guarded-writes")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Make the upserts, payload updates and deletes of versioned documents"
                                    + " conditional on the stored points' version, so a replay, a"
                                    + " second writer or a reindex never replaces or deletes a"
                                    + " newer version with an older one, even without this job's"
                                    + " state. Costs a facet count per upsert request.");
    public static final ConfigOption<Boolean> DELETE_TOMBSTONES =
            ConfigOptions.key("ingest.delete-tombstones")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "With guarded writes, make a versioned delete leave a tombstone: one"
                                    + " point without vectors per deleted document (payload"
                                    + " deleted=true, its version), so an older version arriving"
                                    + " later from a second writer or a replay stays deleted."
                                    + " Tombstones match no search and are not counted; they stay"
                                    + " until purged (Tombstones.purge). Needs"
                                    + " ingest.guarded-writes.");
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
    public static final ConfigOption<DeliveryGuarantee> DEAD_LETTER_GUARANTEE =
            ConfigOptions.key("ingest.dead-letter.guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
                    .withDescription(
                            "at-least-once: letters are sent as they happen and may repeat after"
                                    + " a failover. exactly-once: the validate, chunk and encode"
                                    + " stages' letters are written in Kafka transactions"
                                    + " committed with each checkpoint, so a read_committed"
                                    + " consumer sees each once, one checkpoint late; letters of"
                                    + " stage qdrant (writes Qdrant refused) stay at least once.");
    public static final ConfigOption<String> DEAD_LETTER_TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("ingest.dead-letter.transactional-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "exactly-once: prefix of the dead-letter producers' transactional"
                                    + " ids, unique to this job on the Kafka cluster (default:"
                                    + " ingest.group-id + '-dead-letters').");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("ingest.checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Checkpoints commit Kafka offsets and flush Qdrant writes.");
    public static final ConfigOption<Double> DUPLICATES_THRESHOLD =
            ConfigOptions.key("ingest.duplicates.threshold")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "Near-duplicate detection (off when unset): a chunk whose dense"
                                    + " embedding has a cosine similarity of at least this, in"
                                    + " (0, 1], with an earlier-written chunk of another document"
                                    + " gets duplicate_of {doc_id, chunk, score} of the most"
                                    + " similar one in its payload (sentence-transformers'"
                                    + " paraphrase_mining, streaming). Costs one batched Qdrant"
                                    + " query per micro-batch; needs float vectors (quantization"
                                    + " NONE) and a cosine model. query.collapse-duplicates"
                                    + " leaves marked chunks out of results.");
    public static final ConfigOption<Integer> DUPLICATES_RECENT_CHUNKS =
            ConfigOptions.key("ingest.duplicates.recent-chunks")
                    .intType()
                    .defaultValue(4096)
                    .withDescription(
                            "Near-duplicate detection: the last chunks each subtask compares new"
                                    + " ones with besides the collection, which may not hold them"
                                    + " yet (the sink writes in batches). 0 compares with the"
                                    + " collection only.");
    public static final ConfigOption<Duration> DUPLICATES_TIMEOUT =
            ConfigOptions.key("ingest.duplicates.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Near-duplicate detection: how long a micro-batch waits for Qdrant's"
                                    + " answer, retries included. Past it, or when Qdrant fails,"
                                    + " the chunks are written unmarked (metric"
                                    + " duplicateLookupFailures), not held up.");
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

    /**
     * Checks everything the ingest job reads, early, naming the option and why: its own keys and
     * those of the concerns it uses.
     */
    public static void sanityCheck(Configuration c) {
        KafkaOptions.sanityCheck(c);
        QdrantOptions.sanityCheck(c);
        ModelOptions.sanityCheck(c);
        ChunkOptions.sanityCheck(c);
        EncodeOptions.sanityCheck(c);
        OptionChecks.positive(c, MAX_DOCUMENT_BYTES);
        OptionChecks.atMost(
                c,
                MAX_DOCUMENT_BYTES,
                DocumentParser.MAX_PAYLOAD_CHARS,
                "a point's payload must fit the Qdrant sink's record limit");
        OptionChecks.positive(c, MAX_METADATA_DEPTH);
        OptionChecks.atMost(
                c,
                MAX_METADATA_DEPTH,
                DocumentParser.MAX_METADATA_DEPTH_OPTION,
                "Qdrant 1.16 refuses payloads nested deeper than "
                        + DocumentParser.QDRANT_MAX_METADATA_DEPTH);
        OptionChecks.atLeast(c, DEAD_LETTER_MAX_PAYLOAD_BYTES, 0);
        OptionChecks.atMost(
                c,
                DEAD_LETTER_MAX_PAYLOAD_BYTES,
                MAX_DEAD_LETTER_PAYLOAD_BYTES,
                "a letter must fit a broker's default message.max.bytes of 1 MiB");
        if (c.get(DEAD_LETTER_GUARANTEE) == DeliveryGuarantee.NONE) {
            throw new ConfigException(
                    DEAD_LETTER_GUARANTEE.key()
                            + " none could lose letters; use at-least-once or exactly-once");
        }
        if (c.get(DELETE_TOMBSTONES) && !c.get(GUARDED_WRITES)) {
            throw new ConfigException(
                    DELETE_TOMBSTONES.key()
                            + " true needs "
                            + GUARDED_WRITES.key()
                            + " true: only guarded upserts respect a tombstone");
        }
        OptionChecks.positive(c, CALIBRATION_SAMPLES);
        OptionChecks.positiveDuration(c, CALIBRATION_TIMEOUT);
        OptionChecks.positiveDuration(c, CHECKPOINT_INTERVAL);
        checkDuplicates(c);
        if (c.get(CLIENT_QUANTIZATION) == VectorQuantization.Mode.BINARY
                && c.get(QdrantOptions.SERVER_QUANTIZATION) == CollectionSpec.Quantization.SCALAR) {
            throw new ConfigException(
                    QdrantOptions.SERVER_QUANTIZATION.key()
                            + " SCALAR cannot index "
                            + CLIENT_QUANTIZATION.key()
                            + " BINARY vectors; binary vectors use Qdrant's BINARY quantization");
        }
    }

    private static void checkDuplicates(Configuration c) {
        OptionChecks.atLeast(c, DUPLICATES_RECENT_CHUNKS, 0);
        OptionChecks.positiveDuration(c, DUPLICATES_TIMEOUT);
        if (c.getOptional(DUPLICATES_THRESHOLD).isEmpty()) {
            return;
        }
        double threshold = c.get(DUPLICATES_THRESHOLD);
        if (!(threshold > 0 && threshold <= 1)) {
            throw new ConfigException(
                    DUPLICATES_THRESHOLD.key()
                            + " must be a cosine similarity in (0, 1], got "
                            + threshold);
        }
        if (c.get(CLIENT_QUANTIZATION) != VectorQuantization.Mode.NONE) {
            throw new ConfigException(
                    DUPLICATES_THRESHOLD.key()
                            + " compares float vectors; "
                            + CLIENT_QUANTIZATION.key()
                            + " "
                            + c.get(CLIENT_QUANTIZATION)
                            + " stores others");
        }
        if (c.get(DUPLICATES_TIMEOUT).compareTo(c.get(EncodeOptions.TIMEOUT)) >= 0) {
            throw new ConfigException(
                    DUPLICATES_TIMEOUT.key()
                            + " must be shorter than "
                            + EncodeOptions.TIMEOUT.key()
                            + ", the duplicate check's operator timeout");
        }
    }
}
