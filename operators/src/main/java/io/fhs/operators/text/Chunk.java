package io.fhs.operators.text;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A piece of a document: its number, its text, and where that text lies in the original ({@code
 * [start, end)} in Java chars, so {@code text.equals(original.substring(start, end))}).
 *
 * <p>{@code pieces} are the chunk's word-piece ids as the chunker's tokenizer gave them for the
 * whole document, without special tokens, so an encoder need not tokenize {@code text} again. They
 * are null where re-tokenizing {@code text} could give other pieces: a window cut inside a word, or
 * a tokenizer whose pieces do not concatenate (see {@code WordSplitting}).
 */
@PublicEvolving
public record Chunk(int index, String text, int start, int end, int[] pieces) {

    /** A chunk without word pieces. */
    public Chunk(int index, String text, int start, int end) {
        this(index, text, start, end, null);
    }

    // A record compares arrays by reference; chunks are values.
    @Override
    public boolean equals(Object o) {
        return o instanceof Chunk c
                && index == c.index
                && start == c.start
                && end == c.end
                && text.equals(c.text)
                && Arrays.equals(pieces, c.pieces);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, text, start, end, Arrays.hashCode(pieces));
    }

    @Override
    public String toString() {
        return "Chunk[index="
                + index
                + ", text="
                + text
                + ", start="
                + start
                + ", end="
                + end
                + ", pieces="
                + (pieces == null ? "null" : pieces.length)
                + "]";
    }
}
