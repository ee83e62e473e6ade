package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedRrfTest {
    static SearchHit hit(String id) {
        return new SearchHit(id, 0f, Map.of("doc_id", id));
    }

    @Test
    void scoresAreWeightedReciprocalRanksFromOne() {
        List<SearchHit> dense = List.of(hit("a"), hit("b"), hit("c"));
        List<SearchHit> sparse = List.of(hit("c"), hit("d"));
        List<SearchHit> fused = WeightedRrf.fuse(dense, sparse, 60, 1.0, 0.5, 10);
        // a: 1/61; b: 1/62; c: 1/63 + 0.5/61; d: 0.5/62.
        assertThat(fused).extracting(SearchHit::pointId).containsExactly("c", "a", "b", "d");
        assertThat(fused.get(0).score()).isCloseTo((float) (1.0 / 63 + 0.5 / 61), offset(1e-7f));
        assertThat(fused.get(3).score()).isCloseTo((float) (0.5 / 62), offset(1e-7f));
        assertThat(WeightedRrf.fuse(dense, sparse, 60, 1.0, 0.5, 2)).hasSize(2);
    }

    @Test
    void equalWeightsAreThePlainFusionAndTiesKeepTheDenseOrder() {
        List<SearchHit> fused =
                WeightedRrf.fuse(
                        List.of(hit("a"), hit("b")), List.of(hit("b"), hit("a")), 2, 1, 1, 5);
        // Both 1/3 + 1/4: a tie, kept in the dense list's order.
        assertThat(fused).extracting(SearchHit::pointId).containsExactly("a", "b");
        assertThat(fused.get(0).score()).isCloseTo(fused.get(1).score(), offset(1e-9f));
        assertThat(WeightedRrf.fuse(List.of(), List.of(hit("x")), 60, 1, 0, 5))
                .singleElement()
                .satisfies(h -> assertThat(h.score()).isZero());
    }
}
