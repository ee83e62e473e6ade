package io.fhs.operators.inference;

import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Knobs of the batched encoders.
 *
 * @param maxBatchSize texts per ONNX Runtime call
 * @param maxBatchTokens padded positions per call; long texts make smaller batches. On CPUs small
 *     batches win: measured on 2 cores with all-MiniLM-L6-v2, 1,024 positions per call embed ~20%
 *     more word pieces per second than 8,192, whose attention tensors no longer fit in cache
 * @param intraOpThreads ONNX Runtime intra-op threads, 0 for the runtime's default (all cores)
 * @param tuning ONNX Runtime's other session options
 */
@PublicEvolving
public record EncoderOptions(
        int maxBatchSize, int maxBatchTokens, int intraOpThreads, SessionTuning tuning)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_BATCH_SIZE = 32;
    public static final int DEFAULT_MAX_BATCH_TOKENS = 1_024;
    public static final int DEFAULT_INTRA_OP_THREADS = 0;

    public EncoderOptions(int maxBatchSize, int maxBatchTokens, int intraOpThreads) {
        this(maxBatchSize, maxBatchTokens, intraOpThreads, SessionTuning.defaults());
    }

    public EncoderOptions {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
        }
        if (maxBatchTokens < 1) {
            throw new IllegalArgumentException(
                    "maxBatchTokens must be >= 1, got " + maxBatchTokens);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be >= 0 (0 = all cores), got " + intraOpThreads);
        }
        Objects.requireNonNull(tuning, "tuning");
    }

    public static EncoderOptions defaults() {
        return new EncoderOptions(
                DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_TOKENS, DEFAULT_INTRA_OP_THREADS);
    }

    public EncoderOptions withMaxBatchSize(int size) {
        return new EncoderOptions(size, maxBatchTokens, intraOpThreads, tuning);
    }

    public EncoderOptions withIntraOpThreads(int threads) {
        return new EncoderOptions(maxBatchSize, maxBatchTokens, threads, tuning);
    }

    public EncoderOptions withTuning(SessionTuning t) {
        return new EncoderOptions(maxBatchSize, maxBatchTokens, intraOpThreads, t);
    }

    public BatchPlanner planner() {
        return new BatchPlanner(maxBatchSize, maxBatchTokens);
    }
}
