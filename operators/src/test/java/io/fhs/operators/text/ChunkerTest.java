package io.fhs.operators.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    static final ModelDirectory MINILM = ModelLocator.resolve("all-MiniLM-L6-v2");

    /** Every word piece of a text, no special tokens, no truncation. */
    static long[] ids(HuggingFaceTokenizer tok, String text) {
        return tok.encode(text).getIds();
    }

    static HuggingFaceTokenizer untruncated() throws Exception {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(MINILM.tokenizerFile())
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    @Test
    void windowsFitTheModelAndOverlapByExactlyTheConfiguredTokens() throws Exception {
        StringBuilder sb = new StringBuilder();
        String[] words = {"stream", "search", "index", "model", "query", "water", "music", "paper"};
        for (int i = 0; i < 2_000; i++) {
            sb.append(words[i % words.length]).append(i % 17 == 0 ? ". " : " ");
        }
        String text = sb.toString();
        try (Chunker chunker = new Chunker(MINILM, 254, 32);
                HuggingFaceTokenizer tok = untruncated()) {
            long[] all = ids(tok, text);
            List<Chunk> chunks = chunker.chunk(text);
            int stride = 254 - 32;
            assertThat(chunks).hasSize((all.length - 254 + stride - 1) / stride + 1);
            for (Chunk c : chunks) {
                assertThat(c.text()).isEqualTo(text.substring(c.start(), c.end()));
                long[] own = ids(tok, c.text());
                int first = c.index() * stride;
                // The chunk re-tokenizes to exactly its window of the whole text's word pieces.
                assertThat(own)
                        .containsExactly(
                                Arrays.copyOfRange(all, first, Math.min(first + 254, all.length)));
            }
        }
    }

    @Test
    void offsetsAreJavaCharIndicesEvenAfterEmoji() {
        String text = "café 東京 naïve 🚀 rocket über-cool, 🚀🚀 again. " + "word ".repeat(50);
        try (Chunker chunker = new Chunker(MINILM, 8, 2)) {
            List<Chunk> chunks = chunker.chunk(text);
            assertThat(chunks).hasSizeGreaterThan(5);
            for (Chunk c : chunks) {
                assertThat(text.substring(c.start(), c.end())).isEqualTo(c.text());
                assertThat(c.text()).isEqualTo(c.text().strip());
            }
            assertThat(chunks.get(0).text()).startsWith("café 東京 naïve 🚀 rocket");
        }
    }

    @Test
    void shortAndEmptyTexts() {
        try (Chunker chunker = new Chunker(MINILM, 254, 32)) {
            assertThat(chunker.chunk("  Hello world  "))
                    .containsExactly(new Chunk(0, "Hello world", 2, 13));
            assertThat(chunker.chunk(" \n\t ")).isEmpty();
        }
    }

    @Test
    void invalidWindowsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> new Chunker(MINILM, 0, 0))
                .hasMessageContaining("maxTokens must be >= 1");
        assertThatThrownBy(() -> new Chunker(MINILM, 10, 10))
                .hasMessageContaining(
                        "overlapTokens must be within [0, maxTokens) = [0, 10), got 10");
    }
}
