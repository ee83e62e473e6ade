package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qdrant.client.grpc.Points;
import org.junit.jupiter.api.Test;

/** Parsing read consistency and what a search sends Qdrant for it. */
class ReadConsistencyTest {
    @Test
    void namesAndNumbersParseIntoWhatQdrantTakes() {
        assertThat(ReadConsistency.parse("Majority").toGrpc().getType())
                .isEqualTo(Points.ReadConsistencyType.Majority);
        assertThat(ReadConsistency.parse("quorum").toGrpc().getType())
                .isEqualTo(Points.ReadConsistencyType.Quorum);
        assertThat(ReadConsistency.parse(" all ").toGrpc().getType())
                .isEqualTo(Points.ReadConsistencyType.All);
        Points.ReadConsistency two = ReadConsistency.parse("2").toGrpc();
        assertThat(two.getValueCase()).isEqualTo(Points.ReadConsistency.ValueCase.FACTOR);
        assertThat(two.getFactor()).isEqualTo(2);
        assertThat(ReadConsistency.parse("1")).isEqualTo(ReadConsistency.ONE);
        assertThat(ReadConsistency.parse("majority")).hasToString("majority");
    }

    @Test
    void anythingElseIsRefusedSayingWhatIsAccepted() {
        assertThatThrownBy(() -> ReadConsistency.parse("most"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("majority, quorum, all or a number >= 1, got 'most'");
        assertThatThrownBy(() -> ReadConsistency.parse("0"))
                .hasMessageContaining("must be >= 1, got 0");
    }

    @Test
    void aSearchCarriesItOnlyWhenSet() {
        try (QdrantSearcher searcher =
                new QdrantSearcher(null, "c", CollectionSpec.DEFAULT_DENSE_NAME, null)) {
            SearchRequest plain = SearchRequest.dense(new float[] {1f, 0f}, 3);
            assertThat(searcher.query(plain).hasReadConsistency()).isFalse();
            Points.QueryPoints majority =
                    searcher.query(plain.withReadConsistency(ReadConsistency.parse("majority")));
            assertThat(majority.getReadConsistency().getType())
                    .isEqualTo(Points.ReadConsistencyType.Majority);
        }
    }
}
