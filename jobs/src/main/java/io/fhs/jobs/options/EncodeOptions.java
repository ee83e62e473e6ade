package io.fhs.jobs.options;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * How the ingest job's encode stage batches chunks and runs the models; the query job batches
 * queries with its own {@code query.*} keys, as queries want milliseconds, not throughput.
 */
@PublicEvolving
public final class EncodeOptions {
    private EncodeOptions() {}

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("encode.batch-size")
                    .intType()
                    .defaultValue(64)
                    .withDescription(
                            "Chunks per micro-batch across records. While every worker is busy,"
                                    + " chunks wait (up to encode.capacity), and the next batch is"
                                    + " the waiting chunks of most similar length around the"
                                    + " oldest, so padding stays low without large batches. A"
                                    + " partial batch waits at most encode.max-wait.");
    public static final ConfigOption<Duration> MAX_WAIT =
            ConfigOptions.key("encode.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(50))
                    .withDescription("How long a partial micro-batch waits for more chunks.");
    public static final ConfigOption<Integer> CAPACITY =
            ConfigOptions.key("encode.capacity")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "Chunks in flight in the encoder before backpressure; at least"
                                    + " encode.workers x encode.batch-size, or workers wait for"
                                    + " each other's batches.");
    public static final ConfigOption<Integer> THREADS =
            ConfigOptions.key("encode.threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "ONNX Runtime intra-op threads per encode worker, 0 for all cores;"
                                    + " workers x threads x subtasks should match the cores.");
    public static final ConfigOption<Integer> WORKERS =
            ConfigOptions.key("encode.workers")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Batches each encode subtask runs at once, sharing one model session."
                                    + " With 2 workers of 1 intra-op thread each, 2 cores stay busy"
                                    + " without the per-layer synchronisation of 2 intra-op threads.");
    public static final ConfigOption<Boolean> CHUNK_PIECES =
            ConfigOptions.key("encode.chunk-pieces")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Hand the chunker's word pieces to the dense encoder, so that a chunk"
                                    + " is tokenized once; the encoder still tokenizes the text"
                                    + " where the pieces could differ from its own. false"
                                    + " tokenizes every chunk again (the same vectors).");
    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("encode.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("A chunk not encoded within this time fails the job.");

    /** Checks values early, naming the option and why. */
    public static void sanityCheck(Configuration conf) {
        OptionChecks.positive(conf, BATCH_SIZE);
        OptionChecks.positive(conf, CAPACITY);
        OptionChecks.positive(conf, WORKERS);
        OptionChecks.atLeast(conf, THREADS, 0);
        OptionChecks.holdsFullBatches(conf, CAPACITY, WORKERS, BATCH_SIZE, "chunks");
        OptionChecks.notNegative(conf, MAX_WAIT);
        OptionChecks.positiveDuration(conf, TIMEOUT);
    }
}
