package io.fhs.operators.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Token-aware chunking: cuts a text into windows of at most {@code maxTokens} word pieces of the
 * model's own tokenizer, consecutive windows sharing {@code overlapTokens}, so that every chunk
 * fits the model without truncation. Chunk boundaries fall on token boundaries and chunk texts are
 * exact substrings of the original.
 */
public final class Chunker implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;
    private final int overlapTokens;

    public Chunker(ModelDirectory dir, int maxTokens, int overlapTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException(
                    "overlapTokens must be within [0, maxTokens) = [0, "
                            + maxTokens
                            + "), got "
                            + overlapTokens);
        }
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
        try {
            // No truncation and no special tokens: we need every word piece of the whole text.
            this.tokenizer =
                    HuggingFaceTokenizer.builder()
                            .optTokenizerPath(dir.tokenizerFile())
                            .optAddSpecialTokens(false)
                            .optTruncation(false)
                            .optPadding(false)
                            .build();
        } catch (IOException | RuntimeException e) {
            throw new ModelException(
                    dir.tokenizerFile() + " cannot be loaded as a tokenizer: " + e.getMessage(), e);
        }
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The chunks of {@code text}, in order; empty when the text has no tokens at all. */
    public List<Chunk> chunk(String text) {
        Encoding encoding = tokenizer.encode(text);
        CharSpan[] spans = encoding.getCharTokenSpans();
        int n = spans.length;
        List<Chunk> chunks = new ArrayList<>(Math.max(1, n / (maxTokens - overlapTokens) + 1));
        if (n == 0) {
            return chunks;
        }
        int[] utf16 = utf16Offsets(text);
        int stride = maxTokens - overlapTokens;
        for (int first = 0; ; first += stride) {
            int last = Math.min(first + maxTokens, n) - 1;
            int start = utf16[spans[first].getStart()];
            int end = utf16[spans[last].getEnd()];
            chunks.add(new Chunk(chunks.size(), text.substring(start, end), start, end));
            if (last == n - 1) {
                return chunks;
            }
        }
    }

    /**
     * Maps the tokenizer's offsets, counted in Unicode code points, to Java's UTF-16 indices; they
     * differ after any character outside the Basic Multilingual Plane (emoji, say).
     */
    static int[] utf16Offsets(String text) {
        int codePoints = text.codePointCount(0, text.length());
        int[] map = new int[codePoints + 1];
        int index = 0;
        for (int cp = 0; cp < codePoints; cp++) {
            map[cp] = index;
            index += Character.charCount(text.codePointAt(index));
        }
        map[codePoints] = text.length();
        return map;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
