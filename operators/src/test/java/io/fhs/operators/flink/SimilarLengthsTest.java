package io.fhs.operators.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilarLengthsTest {
    static List<Integer> picked(boolean[] chosen) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i]) {
                at.add(i);
            }
        }
        return at;
    }

    @Test
    void takesTheTightestRunOfNeighboursThatHoldsTheGivenItem() {
        int[] lengths = {40, 5, 100, 42, 7, 41, 99};
        // Sorted: 5 7 40 41 42 99 100; runs of 3 holding 40: [5 7 40] span 35, [7 40 41] 34,
        // [40 41 42] 2.
        assertThat(picked(SimilarLengths.around(lengths, 0, 3))).containsExactly(0, 3, 5);
        // 100 is the longest: only [42 99 100] holds it.
        assertThat(picked(SimilarLengths.around(lengths, 2, 3))).containsExactly(2, 3, 6);
    }

    @Test
    void takesAllWhenThereAreNoMoreThanABatch() {
        assertThat(picked(SimilarLengths.around(new int[] {3, 1}, 1, 2))).containsExactly(0, 1);
        assertThat(picked(SimilarLengths.around(new int[] {3}, 0, 8))).containsExactly(0);
    }

    @Test
    void equalLengthsGoOldestFirst() {
        assertThat(picked(SimilarLengths.around(new int[] {9, 9, 9, 9, 9}, 0, 2)))
                .containsExactly(0, 1);
    }

    @Test
    void randomWindowsAlwaysHoldTheGivenItemAndTheMinimalSpan() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            int n = 1 + random.nextInt(60);
            int size = 1 + random.nextInt(20);
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = random.nextInt(300);
            }
            int must = random.nextInt(n);
            List<Integer> at = picked(SimilarLengths.around(lengths, must, size));
            assertThat(at).hasSize(Math.min(n, size)).contains(must);
            assertThat(span(lengths, at)).isEqualTo(bruteForceSpan(lengths, must, size));
        }
    }

    private static int span(int[] lengths, List<Integer> at) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i : at) {
            min = Math.min(min, lengths[i]);
            max = Math.max(max, lengths[i]);
        }
        return max - min;
    }

    // Every choice of `size` items holding `must`, for small windows; otherwise sorted runs.
    private static int bruteForceSpan(int[] lengths, int must, int size) {
        int n = lengths.length;
        if (size >= n) {
            return span(lengths, allOf(n));
        }
        int best = Integer.MAX_VALUE;
        // The span of the best set is max - min over some [lo, hi] containing lengths[must] with
        // at least `size` items (must included) inside; try every lo and hi among the lengths.
        for (int lo : lengths) {
            for (int hi : lengths) {
                if (lo > lengths[must] || hi < lengths[must] || hi < lo) {
                    continue;
                }
                int inside = 0;
                for (int l : lengths) {
                    if (l >= lo && l <= hi) {
                        inside++;
                    }
                }
                if (inside >= size) {
                    best = Math.min(best, hi - lo);
                }
            }
        }
        return best;
    }

    private static List<Integer> allOf(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }
}
