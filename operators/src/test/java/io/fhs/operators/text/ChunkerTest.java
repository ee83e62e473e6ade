package io.fhs.operators.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    static final ModelDirectory MINILM = ModelLocator.resolve("all-MiniLM-L6-v2");

    /** Words that are one word piece each, so windows are exact. */
    static final String SINGLE_PIECE_WORDS = singlePieceWords(2_000);

    /**
     * Words of many pieces, accents, CJK, emoji (one [UNK] for "🚀🚀"), a combining accent the
     * tokenizer strips, and punctuation glued to words.
     */
    static final String MIXED =
            ("Generating English discourse from semantic networks: the unaffable transformational"
                            + " grammars of Zürich's café 東京 naïve 🚀 rocket-propelled über-cool"
                            + " antidisestablishmentarianism, queueing-theoretic photosynthesis"
                            + " (x\u0301y) 1974-06-10 CA740610. ")
                    .repeat(40);

    static TokenWindows windows;

    @BeforeAll
    static void open() {
        windows = new TokenWindows(MINILM);
    }

    @AfterAll
    static void close() {
        windows.close();
    }

    static String singlePieceWords(int count) {
        String[] words = {"stream", "search", "index", "model", "query", "water", "music", "paper"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(words[i % words.length]).append(i % 17 == 0 ? ". " : " ");
        }
        return sb.toString();
    }

    /** Chunks compared on place and text only. */
    static List<Chunk> withoutPieces(List<Chunk> chunks) {
        return chunks.stream()
                .map(c -> new Chunk(c.index(), c.text(), c.start(), c.end()))
                .toList();
    }

    @Test
    void singlePieceWordsGiveExactWindowsSharingExactlyTheOverlap() {
        TokenWindows.Located all = windows.locate(SINGLE_PIECE_WORDS);
        try (Chunker chunker = new Chunker(MINILM, 254, 32)) {
            List<Chunk> chunks = chunker.chunk(SINGLE_PIECE_WORDS);
            int stride = 254 - 32;
            assertThat(chunks).hasSize((all.size() - 254 + stride - 1) / stride + 1);
            all.assertCoveredByWindowsOf(chunks, 254);
            for (int k = 0; k < chunks.size(); k++) {
                Chunk c = chunks.get(k);
                assertThat(c.index()).isEqualTo(k);
                assertThat(c.text()).isEqualTo(SINGLE_PIECE_WORDS.substring(c.start(), c.end()));
                // The chunk re-tokenizes to exactly its window of the whole text's word pieces.
                int first = k * stride;
                assertThat(windows.ids(c.text()))
                        .containsExactly(
                                Arrays.copyOfRange(
                                        all.ids(), first, Math.min(first + 254, all.size())));
                if (k > 0) {
                    long[] previous = windows.ids(chunks.get(k - 1).text());
                    assertThat(Arrays.copyOfRange(windows.ids(c.text()), 0, 32))
                            .containsExactly(
                                    Arrays.copyOfRange(
                                            previous, previous.length - 32, previous.length));
                }
            }
            assertThat(windows.ids(chunks.get(0).text())).hasSize(254);
        }
    }

    @Test
    void windowsHoldWholeWordsSoChunksReTokenizeToTheirOwnWindow() {
        TokenWindows.Located all = windows.locate(MIXED);
        assertThat(all.size()).isGreaterThan(1_000);
        // "antidisestablishmentarianism" has 8 pieces; no word is cut while words fit.
        assertThat(all.longestWord()).isEqualTo(8);
        for (int[] window : new int[][] {{16, 4}, {8, 3}, {254, 32}, {40, 0}}) {
            int max = window[0];
            int overlap = window[1];
            try (Chunker chunker = new Chunker(MINILM, max, overlap)) {
                List<Chunk> chunks = chunker.chunk(MIXED);
                all.assertCoveredByWindowsOf(chunks, max);
                for (int k = 0; k < chunks.size(); k++) {
                    Chunk c = chunks.get(k);
                    assertThat(c.text()).isEqualTo(MIXED.substring(c.start(), c.end()));
                    assertThat(all.startsWord(all.first(c))).as("starts a word: %s", c).isTrue();
                    assertThat(all.endsWord(all.last(c))).as("ends a word: %s", c).isTrue();
                    assertThat(windows.ids(c.text())).containsExactly(all.window(c));
                    if (k > 0) {
                        assertSharesTheOverlapUnlessTheNextWordHasNoRoom(
                                all, chunks.get(k - 1), c, max, overlap);
                    }
                }
                if (overlap == 0) {
                    // Without overlap, the chunks partition the tokens.
                    int total = chunks.stream().mapToInt(c -> all.window(c).length).sum();
                    assertThat(total).isEqualTo(all.size());
                }
            }
        }
    }

    /**
     * Consecutive windows share the overlap, rounded back to a word start, unless the window
     * starting there could not hold the next new word whole, or would not advance.
     */
    static void assertSharesTheOverlapUnlessTheNextWordHasNoRoom(
            TokenWindows.Located all, Chunk previous, Chunk next, int max, int overlap) {
        int shared = all.last(previous) - all.first(next) + 1;
        if (shared >= overlap) {
            return;
        }
        int wanted = all.wordStartOf(all.last(previous) + 1 - overlap);
        int needed = all.wordEndOf(all.last(previous) + 1) - wanted + 1;
        assertThat(needed > max || wanted <= all.first(previous))
                .as("%s shares only %d tokens with %s", next, shared, previous)
                .isTrue();
    }

    @Test
    void aWordLongerThanTheWindowIsCutInsideWithTheExactOverlap() {
        String text = "short antidisestablishmentarianism words";
        TokenWindows.Located all = windows.locate(text);
        assertThat(all.size()).isGreaterThan(6);
        try (Chunker chunker = new Chunker(MINILM, 3, 1)) {
            List<Chunk> chunks = chunker.chunk(text);
            all.assertCoveredByWindowsOf(chunks, 3);
            assertThat(chunks.get(0).text()).isEqualTo("short");
            assertThat(chunks.get(1).text()).startsWith("anti");
            assertThat(chunks.get(chunks.size() - 1).text()).endsWith("words");
            for (int k = 2; k < chunks.size() - 1; k++) {
                assertThat(all.last(chunks.get(k - 1)) - all.first(chunks.get(k)) + 1).isEqualTo(1);
            }
        }
    }

    @Test
    void offsetsAreJavaCharIndicesEvenAfterEmoji() {
        try (Chunker chunker = new Chunker(MINILM, 1, 0)) {
            // The tokenizer counts code points: "rocket" starts at 3 there but at 5 in Java.
            assertThat(withoutPieces(chunker.chunk("🚀🚀 rocket")))
                    .containsExactly(new Chunk(0, "🚀🚀", 0, 4), new Chunk(1, "rocket", 5, 11));
        }
        String text = "café 東京 naïve 🚀 rocket über-cool, 🚀🚀 again. " + "word ".repeat(50);
        try (Chunker chunker = new Chunker(MINILM, 8, 2)) {
            List<Chunk> chunks = chunker.chunk(text);
            assertThat(chunks).hasSizeGreaterThan(5);
            assertThat(chunks.get(0).text()).isEqualTo("café 東京 naïve 🚀 rocket über-");
            for (Chunk c : chunks) {
                assertThat(text.substring(c.start(), c.end())).isEqualTo(c.text());
                assertThat(windows.ids(c.text())).hasSizeLessThanOrEqualTo(8);
            }
            assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(text.strip().length());
        }
    }

    @Test
    void shortBlankAndNullTexts() {
        try (Chunker chunker = new Chunker(MINILM, 254, 32)) {
            assertThat(withoutPieces(chunker.chunk("  Hello world  ")))
                    .containsExactly(new Chunk(0, "Hello world", 2, 13));
            assertThat(chunker.chunk("")).isEmpty();
            assertThat(chunker.chunk(" \n\t \u00a0\u3000")).isEmpty();
            assertThatThrownBy(() -> chunker.chunk(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Cannot chunk a null text");
        }
    }

    @Test
    void chunkAllTokenizesABatchWithTheSameResultAsOneByOne() {
        List<String> texts = List.of(MIXED, "", "  Hello world  ", SINGLE_PIECE_WORDS, "🚀");
        try (Chunker chunker = new Chunker(MINILM, 30, 5)) {
            List<List<Chunk>> batch = chunker.chunkAll(texts);
            assertThat(batch).hasSize(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                assertThat(batch.get(i)).isEqualTo(chunker.chunk(texts.get(i)));
            }
            assertThat(chunker.chunkAll(List.of())).isEmpty();
        }
    }

    @Test
    void invalidWindowsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> new Chunker(MINILM, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTokens must be >= 1, got 0");
        assertThatThrownBy(() -> new Chunker(MINILM, 10, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("overlapTokens must be within [0, maxTokens) = [0, 10), got 10");
        assertThatThrownBy(() -> new Chunker(MINILM, 10, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("overlapTokens must be within [0, maxTokens) = [0, 10), got -1");
    }
}
