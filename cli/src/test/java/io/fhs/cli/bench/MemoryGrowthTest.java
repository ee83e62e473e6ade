package io.fhs.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The slope and the leak verdict of a soak's memory series, on generated series. */
class MemoryGrowthTest {
    static final double MAX_HEAP_MB = 2048;

    /** 30 one-minute samples, {@code mb} of each minute index. */
    static MemoryGrowth growth(IntToDoubleFunction mb) {
        double[] t = new double[30];
        double[] y = new double[30];
        for (int i = 0; i < 30; i++) {
            t[i] = i + 1;
            y[i] = mb.applyAsDouble(i);
        }
        return MemoryGrowth.of("heap", t, y, MemoryGrowth.warmupMinutes(30), MAX_HEAP_MB);
    }

    @Test
    void aFlatSeriesHasNoSlopeAndPasses() {
        MemoryGrowth g = growth(i -> 300);
        assertThat(g.samples()).isEqualTo(26); // minutes 5..30: the first 4 are warm-up
        assertThat(g.slopeMbPerMinute()).isZero();
        assertThat(g.projectedMbPerDay()).isZero();
        assertThat(g.leaking()).isFalse();
    }

    @Test
    void aSteadyLeakIsCaughtWithItsSlope() {
        MemoryGrowth g = growth(i -> 300 + 2.5 * i);
        assertThat(g.slopeMbPerMinute()).isCloseTo(2.5, within(1e-9));
        assertThat(g.secondHalfSlopeMbPerMinute()).isCloseTo(2.5, within(1e-9));
        assertThat(g.projectedMbPerDay()).isCloseTo(3600, within(1e-6));
        assertThat(g.leaking()).isTrue();
        assertThat(g.describe()).contains("+2.50 MB/min", "GROWS");
    }

    @Test
    void noiseAroundAFlatLevelPasses() {
        Random random = new Random(7);
        // +-40 MB between samples: what the live set after a full GC varies by with work in flight.
        MemoryGrowth g = growth(i -> 300 + (random.nextDouble() - 0.5) * 80);
        assertThat(Math.abs(g.slopeMbPerMinute())).isLessThan(MemoryGrowth.MAX_SLOPE_MB_PER_MINUTE);
        assertThat(g.leaking()).isFalse();
    }

    @Test
    void aLeakUnderNoiseIsStillCaught() {
        Random random = new Random(7);
        MemoryGrowth g = growth(i -> 300 + 4 * i + (random.nextDouble() - 0.5) * 80);
        assertThat(g.slopeMbPerMinute()).isBetween(3.0, 5.0);
        assertThat(g.leaking()).isTrue();
    }

    @Test
    void warmUpGrowthAndAOneOffStepThenFlatPass() {
        // Steep during warm-up (JIT, caches, the models), a step at minute 10, flat after.
        MemoryGrowth g = growth(i -> i < 4 ? 100 + 50 * i : i < 10 ? 300 : 340);
        assertThat(g.slopeMbPerMinute()).isGreaterThan(MemoryGrowth.MAX_SLOPE_MB_PER_MINUTE);
        assertThat(g.secondHalfSlopeMbPerMinute()).isZero();
        assertThat(g.leaking()).isFalse();
    }

    @Test
    void aSlowGrowthBelowATenthOfTheHeapADayPasses() {
        // 1.2 MB/min is above the absolute floor, but 1728 MB/day is over 10% of 2 GB: caught;
        // with a 20 GB heap the same growth is under a tenth of it a day and passes.
        MemoryGrowth small = growth(i -> 300 + 1.2 * i);
        assertThat(small.leaking()).isTrue();
        double[] t = new double[30];
        double[] y = new double[30];
        for (int i = 0; i < 30; i++) {
            t[i] = i + 1;
            y[i] = 300 + 1.2 * i;
        }
        assertThat(MemoryGrowth.of("heap", t, y, 5, 20 * 1024).leaking()).isFalse();
        // Below 1 MB/min nothing is a leak, whatever the heap.
        assertThat(growth(i -> 300 + 0.9 * i).leaking()).isFalse();
    }

    @Test
    void tooFewSamplesAfterWarmUpGiveNoVerdict() {
        double[] t = {1, 2, 3, 4, 5, 6};
        double[] y = {1, 2, 3, 4, 5, 6};
        assertThatThrownBy(() -> MemoryGrowth.of("heap", t, y, 3.5, MAX_HEAP_MB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 samples");
        assertThat(MemoryGrowth.warmupMinutes(4)).isCloseTo(0.8, within(1e-9));
        assertThat(MemoryGrowth.warmupMinutes(60)).isEqualTo(5);
    }
}
