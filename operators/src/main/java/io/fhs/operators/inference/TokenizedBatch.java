package io.fhs.operators.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import java.util.Arrays;
import org.apache.flink.annotation.Internal;

/**
 * Token ids of several texts padded to the longest of them (dynamic padding), row-major, ready to
 * become ONNX Runtime tensors. {@code rows[i]} is the position of row i in the caller's input.
 */
@Internal
public final class TokenizedBatch {
    private final int[] rows;
    private final int[] lengths;
    private final int seqLen;
    private final long[] inputIds;
    private final long[] attentionMask;
    private final long[] tokenTypeIds;

    private TokenizedBatch(
            int[] rows,
            int[] lengths,
            int seqLen,
            long[] inputIds,
            long[] attentionMask,
            long[] tokenTypeIds) {
        this.rows = rows;
        this.lengths = lengths;
        this.seqLen = seqLen;
        this.inputIds = inputIds;
        this.attentionMask = attentionMask;
        this.tokenTypeIds = tokenTypeIds;
    }

    /** Packs {@code encodings[rows[i]]} into row i, padding with id 0 and mask 0. */
    public static TokenizedBatch of(Encoding[] encodings, int[] rows) {
        int seqLen = 0;
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            lengths[i] = encodings[rows[i]].getIds().length;
            seqLen = Math.max(seqLen, lengths[i]);
        }
        long[] ids = new long[rows.length * seqLen];
        long[] mask = new long[rows.length * seqLen];
        long[] types = new long[rows.length * seqLen];
        for (int i = 0; i < rows.length; i++) {
            Encoding e = encodings[rows[i]];
            int offset = i * seqLen;
            System.arraycopy(e.getIds(), 0, ids, offset, lengths[i]);
            System.arraycopy(e.getAttentionMask(), 0, mask, offset, lengths[i]);
            System.arraycopy(e.getTypeIds(), 0, types, offset, lengths[i]);
        }
        return new TokenizedBatch(rows, lengths, seqLen, ids, mask, types);
    }

    /**
     * Packs {@code ids[rows[i]]} into row i for single texts: mask 1 and token type 0 on every real
     * token, as the tokenizer gives a single text (checked by {@link PieceRows}).
     */
    public static TokenizedBatch ofSingleTexts(long[][] ids, int[] rows) {
        int seqLen = 0;
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            lengths[i] = ids[rows[i]].length;
            seqLen = Math.max(seqLen, lengths[i]);
        }
        long[] packed = new long[rows.length * seqLen];
        long[] mask = new long[rows.length * seqLen];
        for (int i = 0; i < rows.length; i++) {
            int offset = i * seqLen;
            System.arraycopy(ids[rows[i]], 0, packed, offset, lengths[i]);
            Arrays.fill(mask, offset, offset + lengths[i], 1L);
        }
        return new TokenizedBatch(
                rows, lengths, seqLen, packed, mask, new long[rows.length * seqLen]);
    }

    public int size() {
        return rows.length;
    }

    public int seqLen() {
        return seqLen;
    }

    public int row(int i) {
        return rows[i];
    }

    /** Number of real (unpadded) tokens in row i. */
    public int length(int i) {
        return lengths[i];
    }

    /** Real tokens in the whole batch. */
    public long realTokens() {
        long sum = 0;
        for (int length : lengths) {
            sum += length;
        }
        return sum;
    }

    /** Positions in the padded tensor, real or padding. */
    public long paddedTokens() {
        return (long) rows.length * seqLen;
    }

    public long[] inputIds() {
        return inputIds;
    }

    public long[] attentionMask() {
        return attentionMask;
    }

    public long[] tokenTypeIds() {
        return tokenTypeIds;
    }

    public long[] shape() {
        return new long[] {rows.length, seqLen};
    }
}
