package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistinctTextsTest {
    @Test
    void runsEachTextOnceAndMapsResultsBackInBatchOrder() {
        DistinctTexts d = DistinctTexts.of(List.of("a", "b", "a", "c", "b", "a"));
        assertThat(d.texts()).containsExactly("a", "b", "c");
        assertThat(d.repeats()).isEqualTo(3);
        assertThat(d.expand(List.of("A", "B", "C"))).containsExactly("A", "B", "A", "C", "B", "A");
        float[][] out = d.expand(new float[][] {{1}, {2}, {3}});
        assertThat(out).hasNumberOfRows(6);
        assertThat(out[2]).containsExactly(1f).isNotSameAs(out[0]);
        assertThat(out[5]).containsExactly(1f);
        assertThat(out[4]).containsExactly(2f);
    }

    @Test
    void aBatchWithoutRepeatsIsPassedThrough() {
        DistinctTexts d = DistinctTexts.of(List.of("x", "y"));
        float[][] encoded = {{1}, {2}};
        assertThat(d.repeats()).isZero();
        assertThat(d.expand(encoded)).isSameAs(encoded);
        assertThat(DistinctTexts.of(List.of()).texts()).isEmpty();
    }
}
