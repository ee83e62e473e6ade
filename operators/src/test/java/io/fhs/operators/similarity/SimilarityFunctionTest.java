package io.fhs.operators.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimilarityFunctionTest {
    // Small integers keep every expected value exact or a closed formula.
    static final float[] A = {1, -2, 3};
    static final float[] B = {4, -8, 5};

    @Test
    void cosineIsTheDotOfTheNormalizedVectors() {
        // |A| = sqrt(14), |B| = sqrt(105)
        double expected = (4 + 16 + 15) / (Math.sqrt(14) * Math.sqrt(105));
        assertThat(SimilarityFunction.COSINE.score(A, B))
                .isCloseTo((float) expected, within(1e-6f));
        assertThat(SimilarityFunction.COSINE.score(A, new float[] {2, -4, 6}))
                .isCloseTo(1f, within(1e-6f));
        assertThat(SimilarityFunction.COSINE.score(A, new float[] {-1, 2, -3}))
                .isCloseTo(-1f, within(1e-6f));
    }

    @Test
    void cosineOfAZeroVectorIsZeroNotNaN() {
        // torch's normalize clamps the norm at 1e-12, so sentence-transformers returns 0 here.
        assertThat(SimilarityFunction.COSINE.score(A, new float[3])).isEqualTo(0f);
    }

    @Test
    void dotIsTheUnnormalizedInnerProduct() {
        assertThat(SimilarityFunction.DOT.score(A, B)).isEqualTo(35f);
    }

    @Test
    void distancesAreNegatedSoThatHigherIsMoreSimilar() {
        // A - c = (3, -6, -2): L2 = 7 and L1 = 11 exactly.
        float[] c = {-2, 4, 5};
        assertThat(SimilarityFunction.EUCLIDEAN.score(A, c)).isCloseTo(-7f, within(1e-6f));
        assertThat(SimilarityFunction.MANHATTAN.score(A, c)).isEqualTo(-11f);
        assertThat(SimilarityFunction.EUCLIDEAN.score(A, A)).isEqualTo(0f);
        assertThat(SimilarityFunction.MANHATTAN.score(A, A)).isEqualTo(0f);
        // The nearer vector must score higher for ranking to work.
        assertThat(SimilarityFunction.EUCLIDEAN.score(A, new float[] {1, -2, 4}))
                .isGreaterThan(SimilarityFunction.EUCLIDEAN.score(A, c));
    }

    @ParameterizedTest
    @CsvSource({
        "cosine, COSINE",
        "cos_sim, COSINE",
        "COSINE, COSINE",
        "dot, DOT",
        "dot_product, DOT",
        "dot_score, DOT",
        "euclidean, EUCLIDEAN",
        "euclidean_sim, EUCLIDEAN",
        "manhattan, MANHATTAN",
        "Manhattan_Sim, MANHATTAN"
    })
    void fromNameAcceptsSentenceTransformersNamesAndAliases(
            String name, SimilarityFunction expected) {
        assertThat(SimilarityFunction.fromName(name)).isEqualTo(expected);
    }

    @Test
    void stNameRoundTrips() {
        for (SimilarityFunction f : SimilarityFunction.values()) {
            assertThat(SimilarityFunction.fromName(f.stName())).isEqualTo(f);
        }
    }

    @Test
    void unknownNamesAndMismatchedDimensionsAreRejected() {
        assertThatThrownBy(() -> SimilarityFunction.fromName("jaccard"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jaccard")
                .hasMessageContaining("cosine, dot, euclidean, manhattan");
        for (SimilarityFunction f : SimilarityFunction.values()) {
            assertThatThrownBy(() -> f.score(A, new float[] {1, 2}))
                    .as(f.name())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3 vs 2");
        }
    }
}
