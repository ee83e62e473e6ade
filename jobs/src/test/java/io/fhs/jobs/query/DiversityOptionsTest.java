package io.fhs.jobs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.qdrant.MatryoshkaPrefix;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.collection.DenseLayout;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.sparse.SparseVector;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** query.mmr.*, model.truncate-dim, qdrant.matryoshka-dim and query.matryoshka.candidates. */
class DiversityOptionsTest {
    private static Configuration conf() {
        Configuration c = new Configuration();
        c.set(QdrantOptions.COLLECTION, "docs");
        return c;
    }

    private static QueryWork encoded(QuerySettings s, SearchRequest.Mode mode) {
        float[] dense = new float[384];
        dense[0] = 1f;
        Query q = Query.of("q", "text", mode, 10, false);
        return QueryWork.of(q).encoded(dense, new SparseVector(new int[] {7}, new float[] {1f}), 0);
    }

    @Test
    void mmrIsOffUnlessADiversityIsSet() {
        QuerySettings s = QuerySettings.from(conf(), VectorQuantization.none());
        assertThat(s.mmr()).isNull();
        assertThat(s.mmrApplies(SearchRequest.Mode.DENSE)).isFalse();
        assertThat(s.groupsOnServer(SearchRequest.Mode.DENSE)).isTrue();
    }

    @Test
    void diversityAndCandidatesAreChecked() {
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            Configuration c = conf();
            c.set(QueryOptions.MMR_DIVERSITY, bad);
            assertThatThrownBy(() -> QuerySettings.from(c, VectorQuantization.none()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("query.mmr.diversity must be from 0");
        }
        Configuration c = conf();
        c.set(QueryOptions.MMR_DIVERSITY, 0.5);
        c.set(QueryOptions.MMR_CANDIDATES, 0);
        assertThatThrownBy(() -> QuerySettings.from(c, VectorQuantization.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("query.mmr.candidates must be >= 1");
        Configuration m = conf();
        m.set(QueryOptions.MATRYOSHKA_CANDIDATES, -3);
        assertThatThrownBy(() -> QuerySettings.from(m, VectorQuantization.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("query.matryoshka.candidates must be >= 1");
    }

    @Test
    void mmrDenseSearchesCollapseOnTheClientFromEnoughCandidates() {
        Configuration c = conf();
        c.set(QueryOptions.MMR_DIVERSITY, 0.3);
        c.set(QueryOptions.MMR_CANDIDATES, 20);
        QuerySettings s = QuerySettings.from(c, VectorQuantization.none());
        assertThat(s.mmr()).isEqualTo(new SearchRequest.Mmr(0.3, 20));
        // Qdrant's groups come back out of order under MMR: chunks are collapsed here.
        assertThat(s.groupsOnServer(SearchRequest.Mode.DENSE)).isFalse();
        try (SearchStage stage = SearchStage.on(s, null)) {
            SearchRequest r = stage.request(encoded(s, SearchRequest.Mode.DENSE), 10);
            assertThat(r.limit()).isEqualTo(10 * SearchStage.COLLAPSE_OVERFETCH);
            // Never fewer candidates than chunks asked for.
            assertThat(r.mmr()).isEqualTo(new SearchRequest.Mmr(0.3, 30));
            SearchRequest hybrid = stage.request(encoded(s, SearchRequest.Mode.HYBRID), 10);
            assertThat(hybrid.mmr()).isNull();
        }
    }

    @Test
    void twoStageNeedsACollectionWithAPrefixVector() {
        Configuration c = conf();
        c.set(QueryOptions.MATRYOSHKA_CANDIDATES, 50);
        assertThatThrownBy(() -> QuerySettings.from(c, VectorQuantization.none()))
                .hasMessageContaining("query.matryoshka.candidates asks for a two-stage search")
                .hasMessageContaining("qdrant.matryoshka-dim");
        QuerySettings s = QuerySettings.from(c, VectorQuantization.none(), new DenseLayout(0, 128));
        try (SearchStage stage = SearchStage.on(s, null)) {
            SearchRequest dense = stage.request(encoded(s, SearchRequest.Mode.DENSE), 10);
            assertThat(dense.twoStage())
                    .isEqualTo(new SearchRequest.TwoStage(MatryoshkaPrefix.VECTOR_NAME, 128, 50));
            // Hybrid: the dense prefetch, of query.candidates, is the one in two stages.
            SearchRequest hybrid = stage.request(encoded(s, SearchRequest.Mode.HYBRID), 10);
            assertThat(hybrid.twoStage().candidates()).isEqualTo(100);
        }
    }

    @Test
    void evaluationRowsCarryTheirOwnMmrAndStages() {
        QuerySettings base =
                QuerySettings.from(conf(), VectorQuantization.none(), new DenseLayout(0, 64));
        QuerySettings.Ranking r =
                new QuerySettings.Ranking(
                                SearchRequest.Mode.DENSE, false, SearchRequest.Fusion.RRF, 60)
                        .withMmr(new SearchRequest.Mmr(0.6, 300))
                        .withMatryoshka(200);
        QuerySettings row = base.ranking(r, 100, Duration.ofMinutes(1));
        assertThat(row.mmr()).isEqualTo(new SearchRequest.Mmr(0.6, 300));
        assertThat(row.matryoshkaCandidates()).isEqualTo(200);
        assertThat(row.prefixDimension()).isEqualTo(64);
        assertThat(
                        base.ranking(r.withMmr(null).withMatryoshka(0), 100, Duration.ofMinutes(1))
                                .mmr())
                .isNull();
    }

    @Test
    void truncateDimSizesTheCollection() {
        Configuration c = conf();
        c.set(ModelOptions.TRUNCATE_DIM, 128);
        assertThat(CollectionLayout.spec(c).dimension()).isEqualTo(128);
        assertThat(CollectionLayout.spec(c).prefixDimension()).isZero();
        assertThat(QuerySettings.from(c, VectorQuantization.none()).truncateDim()).isEqualTo(128);
        c.set(ModelOptions.TRUNCATE_DIM, 400);
        assertThatThrownBy(() -> CollectionLayout.spec(c))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "model.truncate-dim is 400 but all-MiniLM-L6-v2 has only 384 dimensions");
        c.set(ModelOptions.TRUNCATE_DIM, 0);
        assertThatThrownBy(() -> QuerySettings.from(c, VectorQuantization.none()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.truncate-dim must be >= 1");
    }

    @Test
    void matryoshkaDimAddsAShorterPrefixToUnquantizedCollections() {
        Configuration c = conf();
        c.set(QdrantOptions.MATRYOSHKA_DIM, 128);
        assertThat(CollectionLayout.spec(c).prefixDimension()).isEqualTo(128);
        assertThat(CollectionLayout.spec(c).dimension()).isEqualTo(384);
        c.set(QdrantOptions.MATRYOSHKA_DIM, 384);
        assertThatThrownBy(() -> CollectionLayout.spec(c))
                .hasMessageContaining("qdrant.matryoshka-dim is 384 but the dense vectors have 384")
                .hasMessageContaining("the prefix must be shorter");
        c.set(QdrantOptions.MATRYOSHKA_DIM, 64);
        c.set(IngestOptions.CLIENT_QUANTIZATION, VectorQuantization.Mode.INT8);
        assertThatThrownBy(() -> CollectionLayout.spec(c))
                .hasMessageContaining("qdrant.matryoshka-dim needs quantization NONE, got INT8");
    }
}
