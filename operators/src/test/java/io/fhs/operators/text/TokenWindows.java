package io.fhs.operators.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.fhs.operators.model.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * A whole text's word pieces (no special tokens, no truncation) with their Java char offsets, to
 * tell which tokens a chunk holds independently of the chunker.
 */
final class TokenWindows implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    TokenWindows(ModelDirectory dir) {
        try {
            tokenizer =
                    HuggingFaceTokenizer.builder()
                            .optTokenizerPath(dir.tokenizerFile())
                            .optAddSpecialTokens(false)
                            .optTruncation(false)
                            .optPadding(false)
                            .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long[] ids(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** The tokens of one text, located by Java char offsets. */
    Located locate(String text) {
        Encoding e = tokenizer.encode(text);
        CharSpan[] spans = e.getCharTokenSpans();
        int[] utf16 = Chunker.utf16Offsets(text);
        int[] starts = new int[spans.length];
        int[] ends = new int[spans.length];
        for (int i = 0; i < spans.length; i++) {
            starts[i] = utf16[spans[i].getStart()];
            ends[i] = utf16[spans[i].getEnd()];
        }
        return new Located(e.getIds(), e.getWordIds(), starts, ends);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    record Located(long[] ids, long[] words, int[] starts, int[] ends) {
        int size() {
            return ids.length;
        }

        /** The first token of the chunk: the one starting where the chunk starts. */
        int first(Chunk c) {
            for (int i = 0; i < starts.length; i++) {
                if (starts[i] == c.start()) {
                    return i;
                }
            }
            throw new AssertionError("No token starts at " + c.start() + " for " + c);
        }

        /** The last token of the chunk: the last one ending where the chunk ends. */
        int last(Chunk c) {
            for (int i = ends.length - 1; i >= 0; i--) {
                if (ends[i] == c.end()) {
                    return i;
                }
            }
            throw new AssertionError("No token ends at " + c.end() + " for " + c);
        }

        long[] window(Chunk c) {
            return Arrays.copyOfRange(ids, first(c), last(c) + 1);
        }

        boolean startsWord(int i) {
            return i == 0 || words[i] != words[i - 1];
        }

        boolean endsWord(int i) {
            return i == ids.length - 1 || startsWord(i + 1);
        }

        int wordStartOf(int i) {
            return startsWord(i) ? i : wordStartOf(i - 1);
        }

        int wordEndOf(int i) {
            return endsWord(i) ? i : wordEndOf(i + 1);
        }

        int longestWord() {
            int longest = 0;
            int length = 0;
            for (int i = 0; i < ids.length; i++) {
                length = startsWord(i) ? 1 : length + 1;
                longest = Math.max(longest, length);
            }
            return longest;
        }

        void assertCoveredByWindowsOf(List<Chunk> chunks, int maxTokens) {
            assertThat(first(chunks.get(0))).isZero();
            assertThat(last(chunks.get(chunks.size() - 1))).isEqualTo(size() - 1);
            for (int k = 0; k < chunks.size(); k++) {
                Chunk c = chunks.get(k);
                assertThat(c.index()).isEqualTo(k);
                assertThat(last(c) - first(c) + 1).isBetween(1, maxTokens);
                if (k > 0) {
                    // No gap, and every window brings new tokens.
                    assertThat(first(c)).isLessThanOrEqualTo(last(chunks.get(k - 1)) + 1);
                    assertThat(first(c)).isGreaterThan(first(chunks.get(k - 1)));
                    assertThat(last(c)).isGreaterThan(last(chunks.get(k - 1)));
                }
            }
        }
    }
}
