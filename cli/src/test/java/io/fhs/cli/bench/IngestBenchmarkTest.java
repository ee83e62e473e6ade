package io.fhs.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngestBenchmarkTest {
    @Test
    void countsOftenUntilTheFirstPointAndNearTheEndSeldomInBetween() {
        assertThat(IngestBenchmark.pollMillis(-1, 0, 4000, 3.0)).isEqualTo(100);
        // 1,000 points 10 s after the first: 100/s, 30 s left.
        assertThat(IngestBenchmark.pollMillis(5.0, 1000, 4000, 15.0)).isEqualTo(1000);
        // 150 left at 100/s: 1.5 s, inside the last two coarse intervals.
        assertThat(IngestBenchmark.pollMillis(5.0, 3850, 4000, 43.5)).isEqualTo(100);
    }
}
