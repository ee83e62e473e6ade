package io.fhs.operators.sparse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The BM25 term indices come from Guava's MurmurHash3 now; they must be bit-identical to those of
 * the hand-written implementation they replaced, or collections indexed before would no longer
 * match new queries.
 */
class TermIndexHashTest {
    private static final int STRINGS_PER_KIND = 5_000;

    @Test
    void guavaMatchesTheFormerImplementationOnGeneratedStrings() {
        Random random = new Random(12);
        List<String> terms = new ArrayList<>();
        terms.add("");
        for (int i = 0; i < STRINGS_PER_KIND; i++) {
            terms.add(generate(random, 0x20, 0x7f));
            terms.add(generate(random, 0x80, 0x800));
            terms.add(generate(random, 0x800, 0xd800));
            terms.add(generate(random, 0x10000, 0x110000));
            terms.add(mixed(random));
        }
        int checked = 0;
        for (String term : terms) {
            assertThat(Bm25Encoder.termIndex(term))
                    .as("term %s", term)
                    .isEqualTo(Murmur3Reference.hash32(term) & 0x7fffffff);
            checked++;
        }
        assertThat(checked).isEqualTo(5 * STRINGS_PER_KIND + 1);
    }

    @Test
    void unpairedSurrogatesHashAsTheirUtf8ReplacementAsBefore() {
        // String.getBytes(UTF_8) turns a lone surrogate into '?'; Guava falls back to it.
        for (String term : List.of("\ud83d", "a\udc00b", "\udc00\ud83d", "x\ud83dy\ud83d\ude00")) {
            assertThat(Bm25Encoder.termIndex(term))
                    .as("term %s", term)
                    .isEqualTo(Murmur3Reference.hash32(term) & 0x7fffffff);
        }
        assertThat(Bm25Encoder.termIndex("\ud83d")).isEqualTo(Bm25Encoder.termIndex("?"));
    }

    @Test
    void recordedValuesStayTheSame() {
        // Python's mmh3.hash(term) & 0x7fffffff: what collections indexed earlier hold.
        assertThat(Bm25Encoder.termIndex("")).isZero();
        assertThat(Bm25Encoder.termIndex("hello")).isEqualTo(0x248bfa47);
        assertThat(Bm25Encoder.termIndex("run")).isEqualTo(0x71764c48);
        assertThat(Bm25Encoder.termIndex("stream")).isEqualTo(0x2dff6a7a);
        assertThat(Bm25Encoder.termIndex("caf\u00e9")).isEqualTo(0x241c0f08);
        assertThat(Bm25Encoder.termIndex("\u6f22\u5b57")).isEqualTo(0x5770b00b);
        assertThat(Bm25Encoder.termIndex("\ud83d\ude00")).isEqualTo(0x3eb42efa);
    }

    /** Up to 40 code points from [from, to): every length modulo 4 of the UTF-8 tail occurs. */
    private static String generate(Random random, int from, int to) {
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(41);
        for (int i = 0; i < length; i++) {
            sb.appendCodePoint(from + random.nextInt(to - from));
        }
        return sb.toString();
    }

    private static String mixed(Random random) {
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(41);
        int[][] ranges = {{0x20, 0x7f}, {0x80, 0x800}, {0xe000, 0x10000}, {0x1f600, 0x1f650}};
        for (int i = 0; i < length; i++) {
            int[] range = ranges[random.nextInt(ranges.length)];
            sb.appendCodePoint(range[0] + random.nextInt(range[1] - range[0]));
        }
        return sb.toString();
    }
}
