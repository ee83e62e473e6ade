package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import java.util.ArrayList;
import java.util.Comparator;
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
    static final List<SparseValues> sparse = new ArrayList<>();
    static final float[] QUERY = {0.3f, -0.2f, 0.9f, 0.1f};
    static final SparseValues SPARSE_QUERY =
            new SparseValues(new int[] {1, 4, 7, 9}, new float[] {1f, 0.7f, 0.4f, 0.2f});

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
            sparse.add(new SparseValues(idx, val));
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

    // Brute force, computed here so that the connectors' tests need none of the operators.
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double dot(SparseValues a, SparseValues b) {
        double sum = 0;
        for (int i = 0, j = 0; i < a.size() && j < b.size(); ) {
            if (a.indices()[i] == b.indices()[j]) {
                sum += a.values()[i++] * b.values()[j++];
            } else if (a.indices()[i] < b.indices()[j]) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    static int doc(SearchHit hit) {
        return Integer.parseInt(hit.docId().substring(3));
    }

    @Test
    void exactDenseSearchEqualsBruteForceCosine() throws Exception {
        List<SearchHit> hits =
                searcher.search(SearchRequest.dense(QUERY, 10).withExact(true)).get();
        List<Integer> expected = new ArrayList<>();
        for (int d = 0; d < DOCS; d++) {
            expected.add(d);
        }
        expected.sort(Comparator.comparingDouble((Integer d) -> -cosine(QUERY, dense.get(d))));
        assertThat(hits).hasSize(10);
        for (int i = 0; i < 10; i++) {
            int d = expected.get(i);
            assertThat(doc(hits.get(i))).isEqualTo(d);
            assertThat((double) hits.get(i).score())
                    .isCloseTo(cosine(QUERY, dense.get(d)), within(1e-5));
        }
    }

    @Test
    void sparseSearchRanksByDotProduct() throws Exception {
        List<SearchHit> hits = searcher.search(SearchRequest.sparse(SPARSE_QUERY, 5)).get();
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < DOCS; d++) {
            if (dot(sparse.get(d), SPARSE_QUERY) > 0) {
                order.add(d);
            }
        }
        order.sort(
                (a, b) ->
                        Double.compare(
                                dot(sparse.get(b), SPARSE_QUERY),
                                dot(sparse.get(a), SPARSE_QUERY)));
        for (int i = 0; i < hits.size(); i++) {
            assertThat(doc(hits.get(i))).isEqualTo(order.get(i));
            assertThat((double) hits.get(i).score())
                    .isCloseTo(dot(sparse.get(order.get(i)), SPARSE_QUERY), within(1e-5));
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
