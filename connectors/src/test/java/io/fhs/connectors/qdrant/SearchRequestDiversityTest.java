package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** MMR and two-stage parts of a {@link SearchRequest}: checks and deeper repeats. */
class SearchRequestDiversityTest {
    static final float[] Q = {1f, 0f, 0f, 0f};
    static final SparseValues S = new SparseValues(new int[] {3}, new float[] {1f});

    @Test
    void aDeeperRepeatKeepsEnoughCandidates() {
        SearchRequest dense =
                SearchRequest.dense(Q, 30)
                        .withMmr(new SearchRequest.Mmr(0.3, 100))
                        .withTwoStage(new SearchRequest.TwoStage("dense_small", 2, 50));
        SearchRequest deeper = dense.withLimit(120);
        assertThat(deeper.mmr()).isEqualTo(new SearchRequest.Mmr(0.3, 120));
        assertThat(deeper.twoStage().candidates()).isEqualTo(120);
        // Enough already: kept as they are.
        assertThat(dense.withLimit(40).mmr().candidates()).isEqualTo(100);
        assertThat(dense.withLimit(40).twoStage().candidates()).isEqualTo(50);

        SearchRequest hybrid =
                SearchRequest.hybrid(Q, S, 30, 100)
                        .withTwoStage(new SearchRequest.TwoStage("dense_small", 2, 100));
        // The hybrid's dense prefetch is the one in two stages: its depth counts.
        assertThat(hybrid.withLimit(400).twoStage().candidates()).isEqualTo(400);
    }

    @Test
    void refusesWhatQdrantWouldIgnoreOrCannotDo() {
        assertThatThrownBy(
                        () ->
                                SearchRequest.sparse(S, 5)
                                        .withTwoStage(
                                                new SearchRequest.TwoStage("dense_small", 2, 10)))
                .hasMessageContaining("no dense stage");
        assertThatThrownBy(
                        () ->
                                SearchRequest.dense(Q, 5)
                                        .withTwoStage(
                                                new SearchRequest.TwoStage("dense_small", 8, 10)))
                .hasMessageContaining("prefix of 8 dimensions exceeds the query's 4");
        assertThatThrownBy(() -> new SearchRequest.Mmr(1.2, 10))
                .hasMessageContaining("MMR diversity must be from 0 to 1");
        assertThatThrownBy(() -> new SearchRequest.Mmr(0.5, 0))
                .hasMessageContaining("MMR candidates must be >= 1");
    }

    @Test
    void thePrefixIsNormalized() {
        float[] p = MatryoshkaPrefix.of(new float[] {3f, 4f, 12f}, 2);
        assertThat(p).containsExactly(0.6f, 0.8f);
        assertThat(MatryoshkaPrefix.of(new float[] {0f, 0f, 1f}, 2)).containsExactly(0f, 0f);
    }
}
