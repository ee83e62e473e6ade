package io.fhs.operators.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import io.fhs.operators.model.ModelDirectory;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * Model inputs built from word pieces a caller already has (a chunker's), exactly as the tokenizer
 * would build them from the text: the special tokens before, the prompt's pieces, the text's pieces
 * truncated to {@code max_seq_length} as the tokenizer truncates, the special tokens after.
 *
 * <p>Exact only where {@code tokenize(prepare(prompt + text))} equals the prompt's pieces followed
 * by the text's own: a tokenizer whose pieces concatenate ({@link WordSplitting}), a prompt that
 * ends a word, and, for models that lower-case before tokenizing, a tokenizer that lower-cases by
 * itself and a text in which Java's lower-casing is the tokenizer's (below U+0370: no final sigma,
 * no characters newer than either Unicode table). {@link #accepts} says so per text; the others are
 * tokenized from their text.
 */
@Internal
public final class PieceRows {
    /**
     * Below Greek, Java's String.toLowerCase is per character and stable across Unicode versions.
     */
    private static final char LOWER_CASE_SAFE_BELOW = '\u0370';

    private final long[] head;
    private final long[] tail;
    private final int maxOwnPieces;
    private final boolean lowerCases;

    private PieceRows(long[] head, long[] tail, int maxOwnPieces, boolean lowerCases) {
        this.head = head;
        this.tail = tail;
        this.maxOwnPieces = maxOwnPieces;
        this.lowerCases = lowerCases;
    }

    /**
     * The rows for {@code prompt} with {@code batcher}'s tokenizer (special tokens added,
     * truncation to its max length), or empty when pieces cannot be spliced exactly for this model
     * and prompt.
     */
    static Optional<PieceRows> of(ModelDirectory dir, TextBatcher batcher, String prompt) {
        if (!WordSplitting.piecesConcatenate(dir)) {
            return Optional.empty();
        }
        TextTokenizer tokenizer = batcher.tokenizer();
        Encoding[] probes =
                tokenizer.encode(
                        List.of("", "a", batcher.prepare(prompt), batcher.prepare(prompt + "a")));
        long[] specials = probes[0].getIds();
        long[] a = probes[1].getIds();
        int headSpecials = headSpecials(specials, a);
        if (headSpecials < 0 || !singleSequence(probes[1])) {
            return Optional.empty();
        }
        long[] tail = Arrays.copyOfRange(specials, headSpecials, specials.length);
        long[] aPieces = Arrays.copyOfRange(a, headSpecials, a.length - tail.length);
        long[] promptWithSpecials = probes[2].getIds();
        long[] head = Arrays.copyOf(promptWithSpecials, promptWithSpecials.length - tail.length);
        // "passage" + "a" would become one word: only a prompt that ends a word splices.
        if (!Arrays.equals(probes[3].getIds(), concat(head, aPieces, tail))) {
            return Optional.empty();
        }
        // Texts are lower-cased before tokenizing, their pieces were not: only equal when the
        // tokenizer lower-cases by itself.
        if (batcher.lowerCases() && !WordSplitting.lowerCases(dir)) {
            return Optional.empty();
        }
        int promptPieces = head.length - headSpecials;
        int maxOwn = tokenizer.maxLength() - specials.length - promptPieces;
        if (maxOwn < 1) {
            return Optional.empty();
        }
        return Optional.of(new PieceRows(head, tail, maxOwn, batcher.lowerCases()));
    }

    /**
     * How many of the special tokens come before the text: {@code withText} is {@code specials}
     * with the text's pieces inserted at that point; -1 when it is not.
     */
    private static int headSpecials(long[] specials, long[] withText) {
        int pieces = withText.length - specials.length;
        if (pieces < 1) {
            return -1;
        }
        for (int k = 0; k <= specials.length; k++) {
            boolean before = Arrays.equals(withText, 0, k, specials, 0, k);
            boolean after =
                    Arrays.equals(
                            withText, k + pieces, withText.length, specials, k, specials.length);
            if (before && after) {
                return k;
            }
        }
        return -1;
    }

    /** Rows get mask 1 and type 0 throughout: the tokenizer must give a single text the same. */
    private static boolean singleSequence(Encoding e) {
        return Arrays.stream(e.getAttentionMask()).allMatch(m -> m == 1)
                && Arrays.stream(e.getTypeIds()).allMatch(t -> t == 0);
    }

    /**
     * Whether the row for {@code text}'s pieces is exactly the tokenizer's for {@code text}. The
     * text must not start or end with white space (which sentence-transformers strips).
     */
    boolean accepts(String text) {
        if (text.isEmpty()
                || PyText.isPySpace(text.charAt(0))
                || PyText.isPySpace(text.charAt(text.length() - 1))) {
            return false;
        }
        if (lowerCases) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) >= LOWER_CASE_SAFE_BELOW) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The model's input ids for a text whose own pieces are {@code pieces}. */
    long[] row(int[] pieces) {
        int own = Math.min(pieces.length, maxOwnPieces);
        long[] row = new long[head.length + own + tail.length];
        System.arraycopy(head, 0, row, 0, head.length);
        for (int i = 0; i < own; i++) {
            row[head.length + i] = pieces[i];
        }
        System.arraycopy(tail, 0, row, head.length + own, tail.length);
        return row;
    }

    private static long[] concat(long[] a, long[] b, long[] c) {
        long[] out = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
