package io.fhs.operators.flink;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.flink.annotation.Internal;

/**
 * Picks the batch that wastes least on padding from a window of waiting items: sort the window by
 * length and take the run of {@code size} neighbours with the smallest length span among the runs
 * that contain a given item (the oldest, so it is never passed over).
 */
@Internal
final class SimilarLengths {
    private SimilarLengths() {}

    /**
     * Which of {@code lengths} form the batch: {@code size} of them (all if there are fewer),
     * {@code must} always among them.
     */
    static boolean[] around(int[] lengths, int must, int size) {
        int n = lengths.length;
        boolean[] chosen = new boolean[n];
        if (size >= n) {
            Arrays.fill(chosen, true);
            return chosen;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Stable: equal lengths keep arrival order, so older items of a length go first.
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]));
        int rank = 0;
        while (order[rank] != must) {
            rank++;
        }
        int best = Math.max(0, rank - size + 1);
        for (int s = best + 1; s <= Math.min(rank, n - size); s++) {
            if (span(lengths, order, s, size) < span(lengths, order, best, size)) {
                best = s;
            }
        }
        for (int i = best; i < best + size; i++) {
            chosen[order[i]] = true;
        }
        return chosen;
    }

    private static int span(int[] lengths, Integer[] order, int start, int size) {
        return lengths[order[start + size - 1]] - lengths[order[start]];
    }
}
