package io.fhs.jobs.sql;

import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.Role;
import io.fhs.operators.sparse.Bm25Options;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

/** The {@code WITH} options of {@code CREATE MODEL ... WITH ('provider' = 'onnx', ...)}. */
@PublicEvolving
public final class OnnxModelOptions {
    private OnnxModelOptions() {}

    /** What the model computes from its input columns. */
    public enum Task {
        /** One STRING column to a dense or sparse vector. */
        EMBEDDING,
        /** (query STRING, doc STRING) to a cross-encoder score. */
        SCORING
    }

    /** The vector an embedding model produces. */
    public enum Kind {
        DENSE,
        SPARSE
    }

    public static final ConfigOption<String> MODEL =
            ConfigOptions.key("model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Bundled model name or model directory; for kind sparse also bm25.");
    public static final ConfigOption<String> TASK =
            ConfigOptions.key("task")
                    .stringType()
                    .defaultValue("embedding")
                    .withDescription("embedding (a vector per text) or scoring (cross-encoder).");
    public static final ConfigOption<String> KIND =
            ConfigOptions.key("kind")
                    .stringType()
                    .defaultValue("dense")
                    .withDescription("For task embedding: dense (ARRAY<FLOAT>) or sparse (MAP).");
    public static final ConfigOption<String> ROLE =
            ConfigOptions.key("role")
                    .stringType()
                    .defaultValue("document")
                    .withDescription(
                            "query or document: which of the model's prompts the texts get.");
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("batch-size")
                    .intType()
                    .defaultValue(32)
                    .withDescription(
                            "Rows per micro-batch across rows; bounded in practice by"
                                    + " table.exec.async-ml-predict.max-concurrent-operations.");
    public static final ConfigOption<Duration> MAX_WAIT =
            ConfigOptions.key("max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(10))
                    .withDescription("How long a partial micro-batch waits for more rows.");
    public static final ConfigOption<Integer> WORKERS =
            ConfigOptions.key("workers")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Micro-batches each subtask runs at once on the session.");
    public static final ConfigOption<Integer> THREADS =
            ConfigOptions.key("threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription("ONNX Runtime intra-op threads, 0 for all cores.");
    public static final ConfigOption<Double> BM25_AVG_LEN =
            ConfigOptions.key("bm25.avg-len")
                    .doubleType()
                    .defaultValue(Bm25Options.DEFAULT_AVG_LEN)
                    .withDescription("BM25 average document length in analyzed terms.");
    public static final ConfigOption<Integer> MAX_ACTIVE_DIMS =
            ConfigOptions.key("max-active-dims")
                    .intType()
                    .defaultValue(0)
                    .withDescription("SPLADE: keep the heaviest n dimensions, 0 for all.");

    /** The options, read and checked; every message names the option. */
    public record Settings(
            String model,
            Task task,
            Kind kind,
            Role role,
            int batchSize,
            Duration maxWait,
            int workers,
            int threads,
            double bm25AvgLen,
            int maxActiveDims)
            implements Serializable {

        EncoderOptions encoderOptions() {
            return EncoderOptions.defaults()
                    .withMaxBatchSize(batchSize)
                    .withIntraOpThreads(threads);
        }

        Bm25Options bm25() {
            return Bm25Options.defaults().withAvgLen(bm25AvgLen);
        }
    }

    public static Settings read(ReadableConfig options) {
        String model =
                options.getOptional(MODEL)
                        .filter(m -> !m.isBlank())
                        .orElseThrow(() -> invalid(MODEL, "is required", null));
        Task task = choice(options, TASK, Task.class);
        Kind kind = choice(options, KIND, Kind.class);
        Role role = choice(options, ROLE, Role.class);
        int batchSize = atLeast(options, BATCH_SIZE, 1);
        int workers = atLeast(options, WORKERS, 1);
        int threads = atLeast(options, THREADS, 0);
        int maxActiveDims = atLeast(options, MAX_ACTIVE_DIMS, 0);
        Duration maxWait = options.get(MAX_WAIT);
        if (maxWait.isNegative()) {
            throw invalid(MAX_WAIT, "must not be negative", maxWait);
        }
        double avgLen = options.get(BM25_AVG_LEN);
        if (!(avgLen > 0) || Double.isInfinite(avgLen)) {
            throw invalid(BM25_AVG_LEN, "must be > 0", avgLen);
        }
        return new Settings(
                model,
                task,
                kind,
                role,
                batchSize,
                maxWait,
                workers,
                threads,
                avgLen,
                maxActiveDims);
    }

    private static <E extends Enum<E>> E choice(
            ReadableConfig options, ConfigOption<String> option, Class<E> type) {
        String value = options.get(option);
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E constant : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ")
                        .append(constant.name().toLowerCase(Locale.ROOT));
            }
            throw invalid(option, "must be one of " + allowed, value);
        }
    }

    private static int atLeast(ReadableConfig options, ConfigOption<Integer> option, int min) {
        int value = options.get(option);
        if (value < min) {
            throw invalid(option, "must be >= " + min, value);
        }
        return value;
    }

    static ValidationException invalid(ConfigOption<?> option, String problem, Object value) {
        return new ValidationException(
                "onnx model option '"
                        + option.key()
                        + "' "
                        + problem
                        + (value == null ? "" : ", got '" + value + "'"));
    }
}
