package io.fhs.operators.similarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactSearchTest {
    static final float[] QUERY = {1, 0};

    // Dot scores against QUERY are the first components: 0.2, 0.9, 0.5, 0.9, -1, 0.5.
    static final List<float[]> CORPUS =
            List.of(
                    new float[] {0.2f, 3},
                    new float[] {0.9f, 0},
                    new float[] {0.5f, -1},
                    new float[] {0.9f, 7},
                    new float[] {-1f, 0},
                    new float[] {0.5f, 2});

    static List<Integer> indices(List<ExactSearch.Hit> hits) {
        return hits.stream().map(ExactSearch.Hit::index).toList();
    }

    @Test
    void returnsTheBestKWithTiesGoingToTheLowerIndex() {
        List<ExactSearch.Hit> hits = ExactSearch.topK(QUERY, CORPUS, 3, SimilarityFunction.DOT);
        assertThat(indices(hits)).containsExactly(1, 3, 2);
        assertThat(hits).extracting(ExactSearch.Hit::score).containsExactly(0.9f, 0.9f, 0.5f);
    }

    @Test
    void kLargerThanTheCorpusReturnsEverythingInOrder() {
        List<ExactSearch.Hit> hits = ExactSearch.topK(QUERY, CORPUS, 50, SimilarityFunction.DOT);
        assertThat(indices(hits)).containsExactly(1, 3, 2, 5, 0, 4);
    }

    @Test
    void aHugeKMeansEverything() {
        // The CLI passes --top-k through unchecked, so "all of them" may arrive as MAX_VALUE.
        assertThat(
                        indices(
                                ExactSearch.topK(
                                        QUERY, CORPUS, Integer.MAX_VALUE, SimilarityFunction.DOT)))
                .containsExactly(1, 3, 2, 5, 0, 4);
        assertThat(ExactSearch.topK(QUERY, CORPUS, 1_000_000_000, SimilarityFunction.DOT))
                .hasSize(6);
    }

    @Test
    void theSimilarityFunctionDecidesTheOrder() {
        // Euclidean distances to (1, 0): #1 = 0.1 is nearest, #3 = sqrt(0.01 + 49) farthest.
        List<ExactSearch.Hit> hits =
                ExactSearch.topK(QUERY, CORPUS, 2, SimilarityFunction.EUCLIDEAN);
        assertThat(indices(hits)).containsExactly(1, 2);
        assertThat(indices(ExactSearch.topK(QUERY, CORPUS, 6, SimilarityFunction.EUCLIDEAN)))
                .endsWith(3);
    }

    @Test
    void emptyCorpusGivesNoHitsAndKMustBePositive() {
        assertThat(ExactSearch.topK(QUERY, List.of(), 3, SimilarityFunction.DOT)).isEmpty();
        assertThatThrownBy(() -> ExactSearch.topK(QUERY, CORPUS, 0, SimilarityFunction.DOT))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
