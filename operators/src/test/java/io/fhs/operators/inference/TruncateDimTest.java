package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code truncate_dim} as sentence-transformers applies it: {@code SentenceTransformer.encode} cuts
 * the last module's output (MiniLM's ends in {@code Normalize}) to its first N values and does not
 * normalize again. The reference is the untruncated output of the same model, sliced by hand.
 */
class TruncateDimTest {
    static final List<String> TEXTS =
            List.of(
                    "Time sharing systems for IBM computers",
                    "A note on the distribution of prime numbers",
                    "Compilers translate programs written in high level languages");

    static DenseEncoder full;
    static DenseEncoder cut;

    @BeforeAll
    static void open() {
        full = DenseEncoder.open("all-MiniLM-L6-v2");
        cut =
                DenseEncoder.open(
                        ModelLocator.resolve("all-MiniLM-L6-v2"),
                        EncoderOptions.defaults().withTruncateDim(128));
    }

    @AfterAll
    static void close() {
        full.close();
        cut.close();
    }

    @Test
    void keepsTheFirstDimensionsOfTheNormalizedEmbedding() {
        for (Role role : Role.values()) {
            float[][] whole = full.encode(TEXTS, role);
            float[][] truncated = cut.encode(TEXTS, role);
            for (int t = 0; t < TEXTS.size(); t++) {
                assertThat(whole[t]).hasSize(384);
                assertThat(truncated[t]).hasSize(128);
                for (int d = 0; d < 128; d++) {
                    // The same graph on the same batch: equal to the float.
                    assertThat(truncated[t][d]).isEqualTo(whole[t][d]);
                }
                // Normalize ran on all 384 values, before the cut: the prefix is shorter than 1.
                assertThat(norm(whole[t])).isCloseTo(1.0, within(1e-5));
                assertThat(norm(truncated[t])).isLessThan(0.99).isGreaterThan(0.2);
            }
        }
    }

    @Test
    void dimensionFollowsTheTruncation() {
        assertThat(cut.dimension()).isEqualTo(128);
        assertThat(cut.fullDimension()).isEqualTo(384);
        assertThat(full.dimension()).isEqualTo(384);
        assertThat(cut.options().truncateDim()).isEqualTo(128);
        // The shorter constructors keep every dimension.
        assertThat(new EncoderOptions(8, 512, 1).truncateDim()).isZero();
        assertThat(new EncoderOptions(8, 512, 1, SessionTuning.defaults()).truncateDim()).isZero();
    }

    @Test
    void refusesMoreDimensionsThanTheModelHas() {
        assertThatThrownBy(
                        () ->
                                DenseEncoder.open(
                                        ModelLocator.resolve("all-MiniLM-L6-v2"),
                                        EncoderOptions.defaults().withTruncateDim(385)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("truncate_dim 385 exceeds the model's 384 dimensions");
        assertThatThrownBy(() -> EncoderOptions.defaults().withTruncateDim(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncateDim must be >= 0");
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}
