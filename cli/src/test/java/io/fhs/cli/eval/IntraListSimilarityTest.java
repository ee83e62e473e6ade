package io.fhs.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class IntraListSimilarityTest {
    @Test
    void meanCosineOverAllPairs() {
        // Pairs: (x, x') cos 1, (x, y) cos 0, (x', y) cos 0: mean 1/3.
        float[] x = {1f, 0f};
        float[] xs = {2f, 0f};
        float[] y = {0f, 3f};
        assertThat(IntraListSimilarity.of(List.of(x, xs, y))).isCloseTo(1.0 / 3, within(1e-9));
        // (1,1)/sqrt2 against (1,0): cos 1/sqrt2, the only pair.
        assertThat(IntraListSimilarity.of(List.of(new float[] {1f, 1f}, x)))
                .isCloseTo(Math.sqrt(0.5), within(1e-7));
    }
}
