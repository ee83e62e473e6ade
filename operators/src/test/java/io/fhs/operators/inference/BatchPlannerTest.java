package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
    static int[] randomLengths(int n, long seed) {
        Random random = new Random(seed);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = 1 + random.nextInt(300);
        }
        return lengths;
    }

    static void checkPlan(int[] lengths, List<int[]> plan, int maxSize, int maxTokens) {
        List<Integer> order = new ArrayList<>();
        for (int[] batch : plan) {
            assertThat(batch).isNotEmpty();
            assertThat(batch.length).isLessThanOrEqualTo(maxSize);
            int padded = lengths[batch[0]];
            // A single over-long row must still get a batch of its own.
            if (batch.length > 1) {
                assertThat(batch.length * padded).isLessThanOrEqualTo(maxTokens);
            }
            for (int row : batch) {
                order.add(row);
            }
        }
        for (int i = 1; i < order.size(); i++) {
            assertThat(lengths[order.get(i)])
                    .as("row %d after row %d", order.get(i), order.get(i - 1))
                    .isLessThanOrEqualTo(lengths[order.get(i - 1)]);
        }
        assertThat(order)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, lengths.length).boxed().toList());
    }

    @Test
    void everyRowOnceLongestFirstWithinBothLimits() {
        int[] lengths = randomLengths(500, 7);
        for (int[] limits : new int[][] {{32, 1_024}, {7, 100_000}, {1, 1}, {64, 300}}) {
            List<int[]> plan = new BatchPlanner(limits[0], limits[1]).plan(lengths);
            checkPlan(lengths, plan, limits[0], limits[1]);
        }
    }

    @Test
    void theTokenBudgetShrinksBatchesOfLongTexts() {
        // 1,024 / 300 = 3 rows of 300, then 1,024 / 10 = 102 capped by the size limit of 32.
        int[] lengths = new int[40];
        Arrays.fill(lengths, 0, 6, 300);
        Arrays.fill(lengths, 6, 40, 10);
        List<int[]> plan = new BatchPlanner(32, 1_024).plan(lengths);
        assertThat(plan).extracting(b -> b.length).containsExactly(3, 3, 32, 2);
    }

    @Test
    void equalLengthsKeepInputOrderAndARowLongerThanTheBudgetRunsAlone() {
        List<int[]> plan = new BatchPlanner(4, 100).plan(new int[] {5, 500, 5, 5, 7});
        assertThat(plan).containsExactly(new int[] {1}, new int[] {4, 0, 2, 3});
        assertThat(new BatchPlanner(4, 100).plan(new int[0])).isEmpty();
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new BatchPlanner(0, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPlanner(10, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
