package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.connectors.testing.QdrantServer;
import io.fhs.operators.similarity.ExactSearch;
import io.fhs.operators.similarity.SimilarityFunction;
import io.fhs.operators.sparse.SparseVector;
import io.qdrant.client.QdrantClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Search results checked against brute force and the fusion formulas. */
class QdrantSearcherITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();
    static final int DOCS = 40;
    static final String C = "search_small";
    static QdrantClient client;
    static QdrantSearcher searcher;
    static final List<float[]> dense = new ArrayList<>();
    static final List<SparseVector> sparse = new ArrayList<>();
    static final float[] QUERY = {0.3f, -0.2f, 0.9f, 0.1f};
    static final SparseVector SPARSE_QUERY =
            new SparseVector(new int[] {1, 4, 7, 9}, new float[] {1f, 0.7f, 0.4f, 0.2f});

    @BeforeAll
    static void load() throws Exception {
        client = QDRANT.connection().open();
        CollectionSpec spec = CollectionSpec.hybrid(C, 4, false);
        CollectionBootstrap.ensure(client, spec);
        Random r = new Random(42);
        List<QdrantWrite> writes = new ArrayList<>();
        for (int d = 0; d < DOCS; d++) {
            float[] v = {
                r.nextFloat() - 0.5f,
                r.nextFloat() - 0.5f,
                r.nextFloat() - 0.5f,
                r.nextFloat() - 0.5f
            };
            Map<Integer, Float> terms = new HashMap<>();
            while (terms.size() < 3) {
                terms.put(r.nextInt(12), 0.1f + r.nextFloat());
            }
            int[] idx = terms.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            float[] val = new float[idx.length];
            for (int i = 0; i < idx.length; i++) {
                val[i] = terms.get(idx[i]);
            }
            dense.add(v);
            sparse.add(new SparseVector(idx, val));
            writes.add(
                    QdrantWrite.upsert(
                            "doc" + d,
                            0,
                            v,
                            idx,
                            val,
                            "{\"group\": \"" + (d % 2 == 0 ? "even" : "odd") + "\"}"));
        }
        QdrantCalls.call(
                "test write",
                () -> client.upsertAsync(QdrantRequests.upsert(C, "dense", "sparse", writes)));
        searcher = new QdrantSearcher(client, C, "dense", "sparse");
    }

    @AfterAll
    static void close() {
        searcher.close();
        client.close();
    }

    static int doc(SearchHit hit) {
        return Integer.parseInt(hit.docId().substring(3));
    }

    @Test
    void exactDenseSearchEqualsBruteForceCosine() throws Exception {
        List<SearchHit> hits =
                searcher.search(SearchRequest.dense(QUERY, 10).withExact(true)).get();
        List<ExactSearch.Hit> expected =
                ExactSearch.topK(QUERY, dense, 10, SimilarityFunction.COSINE);
        assertThat(hits).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(doc(hits.get(i))).isEqualTo(expected.get(i).index());
            assertThat(hits.get(i).score()).isCloseTo(expected.get(i).score(), within(1e-5f));
        }
    }

    @Test
    void sparseSearchRanksByDotProduct() throws Exception {
        List<SearchHit> hits = searcher.search(SearchRequest.sparse(SPARSE_QUERY, 5)).get();
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < DOCS; d++) {
            if (sparse.get(d).dot(SPARSE_QUERY) > 0) {
                order.add(d);
            }
        }
        order.sort(
                (a, b) ->
                        Double.compare(
                                sparse.get(b).dot(SPARSE_QUERY), sparse.get(a).dot(SPARSE_QUERY)));
        for (int i = 0; i < hits.size(); i++) {
            assertThat(doc(hits.get(i))).isEqualTo(order.get(i));
            assertThat((double) hits.get(i).score())
                    .isCloseTo(sparse.get(order.get(i)).dot(SPARSE_QUERY), within(1e-5));
        }
    }

    @Test
    void hybridRrfEqualsTheFormulaForEachConstant() throws Exception {
        for (int k : new int[] {60, 2}) {
            List<SearchHit> denseHits = searcher.search(SearchRequest.dense(QUERY, 20)).get();
            List<SearchHit> sparseHits =
                    searcher.search(SearchRequest.sparse(SPARSE_QUERY, 20)).get();
            Map<Integer, Double> fused = new HashMap<>();
            for (int rank = 0; rank < denseHits.size(); rank++) {
                fused.merge(doc(denseHits.get(rank)), 1.0 / (k + rank + 1), Double::sum);
            }
            for (int rank = 0; rank < sparseHits.size(); rank++) {
                fused.merge(doc(sparseHits.get(rank)), 1.0 / (k + rank + 1), Double::sum);
            }
            List<SearchHit> hybrid =
                    searcher.search(
                                    SearchRequest.hybrid(QUERY, SPARSE_QUERY, 10, 20)
                                            .withFusion(SearchRequest.Fusion.RRF, k))
                            .get();
            assertThat(hybrid).hasSize(10);
            for (int i = 0; i < hybrid.size(); i++) {
                double want = fused.get(doc(hybrid.get(i)));
                assertThat((double) hybrid.get(i).score())
                        .as("k=%d rank %d", k, i)
                        .isCloseTo(want, within(1e-6));
                if (i > 0) {
                    assertThat(hybrid.get(i).score())
                            .isLessThanOrEqualTo(hybrid.get(i - 1).score());
                }
            }
            double best =
                    fused.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertThat((double) hybrid.get(0).score()).isCloseTo(best, within(1e-6));
        }
    }

    @Test
    void dbsfFusesCandidatesFromBothPrefetchesAndFiltersApply() throws Exception {
        List<SearchHit> hits =
                searcher.search(
                                SearchRequest.hybrid(QUERY, SPARSE_QUERY, 8, 20)
                                        .withFusion(SearchRequest.Fusion.DBSF, 60)
                                        .withFilter(Map.of("group", "even"))
                                        .withPayloadFields(List.of("doc_id", "group")))
                        .get();
        assertThat(hits).hasSize(8);
        assertThat(hits)
                .allSatisfy(
                        h -> {
                            assertThat(h.payload())
                                    .containsEntry("group", "even")
                                    .doesNotContainKey("chunk");
                            assertThat(doc(h) % 2).isZero();
                        });
    }
}
