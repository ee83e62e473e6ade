package io.fhs.operators.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * Groups texts of similar token length so that dynamic padding wastes little: sort by length
 * (longest first, so the largest tensors surface memory limits early), then cut into batches of at
 * most {@code maxBatchSize} texts and {@code maxBatchTokens} padded positions.
 */
@Internal
public final class BatchPlanner {
    private final int maxBatchSize;
    private final int maxBatchTokens;

    public BatchPlanner(int maxBatchSize, int maxBatchTokens) {
        if (maxBatchSize < 1 || maxBatchTokens < 1) {
            throw new IllegalArgumentException(
                    "maxBatchSize and maxBatchTokens must be positive, got "
                            + maxBatchSize
                            + " and "
                            + maxBatchTokens);
        }
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
    }

    /** Returns batches of input positions; every position appears exactly once. */
    public List<int[]> plan(int[] lengths) {
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort: equal lengths keep input order, which keeps plans deterministic.
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());

        List<int[]> batches = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            // The first row is the longest, so it fixes the padded length of the batch.
            int longest = Math.max(1, lengths[order[start]]);
            int byTokens = Math.max(1, maxBatchTokens / longest);
            int end = Math.min(order.length, start + Math.min(maxBatchSize, byTokens));
            int[] batch = new int[end - start];
            for (int i = start; i < end; i++) {
                batch[i - start] = order[i];
            }
            batches.add(batch);
            start = end;
        }
        return batches;
    }
}
