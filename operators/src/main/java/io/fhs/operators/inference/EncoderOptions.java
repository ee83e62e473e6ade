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
 * @param truncateDim sentence-transformers' {@code truncate_dim}: dense embeddings keep their first
 *     this many dimensions (Matryoshka models are trained for it); 0 keeps them all
 */
@PublicEvolving
public record EncoderOptions(
        int maxBatchSize,
        int maxBatchTokens,
        int intraOpThreads,
        SessionTuning tuning,
        int truncateDim)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_BATCH_SIZE = 32;
    public static final int DEFAULT_MAX_BATCH_TOKENS = 1_024;
    public static final int DEFAULT_INTRA_OP_THREADS = 0;

    public EncoderOptions(int maxBatchSize, int maxBatchTokens, int intraOpThreads) {
        this(maxBatchSize, maxBatchTokens, intraOpThreads, SessionTuning.defaults());
    }

    /** Options that keep every dimension of the embeddings. */
    public EncoderOptions(
            int maxBatchSize, int maxBatchTokens, int intraOpThreads, SessionTuning tuning) {
        this(maxBatchSize, maxBatchTokens, intraOpThreads, tuning, 0);
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
        if (truncateDim < 0) {
            throw new IllegalArgumentException(
                    "truncateDim must be >= 0 (0 = all dimensions), got " + truncateDim);
        }
    }

    public static EncoderOptions defaults() {
        return new EncoderOptions(
                DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_TOKENS, DEFAULT_INTRA_OP_THREADS);
    }

    public EncoderOptions withMaxBatchSize(int size) {
        return new EncoderOptions(size, maxBatchTokens, intraOpThreads, tuning, truncateDim);
    }

    public EncoderOptions withIntraOpThreads(int threads) {
        return new EncoderOptions(maxBatchSize, maxBatchTokens, threads, tuning, truncateDim);
    }

    public EncoderOptions withTuning(SessionTuning t) {
        return new EncoderOptions(maxBatchSize, maxBatchTokens, intraOpThreads, t, truncateDim);
    }

    /** These options keeping the first {@code dims} dimensions of dense embeddings (0: all). */
    public EncoderOptions withTruncateDim(int dims) {
        return new EncoderOptions(maxBatchSize, maxBatchTokens, intraOpThreads, tuning, dims);
    }

    public BatchPlanner planner() {
        return new BatchPlanner(maxBatchSize, maxBatchTokens);
    }
}
