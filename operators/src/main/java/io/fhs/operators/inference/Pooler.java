package io.fhs.operators.inference;

import io.fhs.operators.model.PoolingMode;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Sentence-transformers' {@code Pooling} and {@code Normalize} modules over a padded batch of token
 * embeddings {@code [batch, seq, hidden]}.
 *
 * <p>Sums run in double precision and are rounded once, which lands within a float ulp or two of
 * torch's float32 reductions and does not depend on how the batch was padded.
 */
final class Pooler {
    private final List<PoolingMode> modes;
    private final int hidden;
    private final boolean normalize;

    Pooler(List<PoolingMode> modes, int hidden, boolean normalize) {
        this.modes = modes;
        this.hidden = hidden;
        this.normalize = normalize;
    }

    int dimension() {
        return hidden * modes.size();
    }

    /**
     * Pools row {@code row} of the batch. {@code skipPrefix} leading tokens are left out of the
     * pooling mask, as sentence-transformers does for prompts when {@code include_prompt} is false.
     */
    float[] pool(FloatBuffer tokens, int seqLen, int row, int length, int skipPrefix) {
        float[] out = new float[dimension()];
        int base = row * seqLen * hidden;
        int first = Math.min(skipPrefix, length);
        int offset = 0;
        for (PoolingMode mode : modes) {
            switch (mode) {
                case CLS -> copy(tokens, base, out, offset);
                case MAX -> max(tokens, base, first, length, out, offset);
                case MEAN -> mean(tokens, base, first, length, out, offset, false, false);
                case MEAN_SQRT_LEN_TOKENS ->
                        mean(tokens, base, first, length, out, offset, true, false);
                case WEIGHTED_MEAN -> mean(tokens, base, first, length, out, offset, false, true);
                case LAST_TOKEN -> copy(tokens, base + (length - 1) * hidden, out, offset);
            }
            offset += hidden;
        }
        if (normalize) {
            normalizeInPlace(out);
        }
        return out;
    }

    private void copy(FloatBuffer tokens, int from, float[] out, int offset) {
        for (int d = 0; d < hidden; d++) {
            out[offset + d] = tokens.get(from + d);
        }
    }

    private void max(FloatBuffer tokens, int base, int first, int length, float[] out, int offset) {
        // Masked positions count as -1e9, as in sentence-transformers.
        for (int d = 0; d < hidden; d++) {
            float best = first < length ? Float.NEGATIVE_INFINITY : -1e9f;
            for (int t = first; t < length; t++) {
                best = Math.max(best, tokens.get(base + t * hidden + d));
            }
            out[offset + d] = best;
        }
    }

    private void mean(
            FloatBuffer tokens,
            int base,
            int first,
            int length,
            float[] out,
            int offset,
            boolean sqrtLength,
            boolean positionWeighted) {
        double[] sum = new double[hidden];
        double weightSum = 0;
        for (int t = first; t < length; t++) {
            // weightedmean weighs position t (0-based) by t + 1.
            double w = positionWeighted ? t + 1 : 1.0;
            weightSum += w;
            int at = base + t * hidden;
            for (int d = 0; d < hidden; d++) {
                sum[d] += w * tokens.get(at + d);
            }
        }
        // torch.clamp(sum_mask, min=1e-9)
        double divisor = Math.max(weightSum, 1e-9);
        if (sqrtLength) {
            divisor = Math.sqrt(divisor);
        }
        for (int d = 0; d < hidden; d++) {
            out[offset + d] = (float) (sum[d] / divisor);
        }
    }

    /** {@code torch.nn.functional.normalize(p=2, eps=1e-12)}. */
    static void normalizeInPlace(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * scale);
        }
    }
}
