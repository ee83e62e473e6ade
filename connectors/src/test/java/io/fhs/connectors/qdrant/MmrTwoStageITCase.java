package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MMR and two-stage (Matryoshka prefix) search on a real Qdrant: MMR trades near-identical hits for
 * others; the prefix vector the sink writes is the normalized prefix, and a two-stage search
 * returns the exact full-vector top hits with their full-vector scores.
 */
class MmrTwoStageITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();
    static final String DUPES = "mmr_dupes";
    static final String MRL = "two_stage";
    static final int DIM = 32;
    static final int PREFIX = 8;
    static final int POINTS = 300;
    // Close to cluster A's direction, further from B and C.
    static final float[] QUERY = {1f, 0.2f, 0.2f, 0f, 0f, 0f, 0f, 0f};
    static QdrantClient client;
    static final List<float[]> dupes = new ArrayList<>();
    static final List<float[]> mrl = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        client = QDRANT.connection().open();
        loadDupes();
        loadMatryoshka();
    }

    /** Six near-copies of one direction (a0..a5), three each of two others (b*, c*). */
    private static void loadDupes() throws Exception {
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(DUPES, 8, false).withoutSparse());
        Random r = new Random(7);
        List<QdrantWrite> writes = new ArrayList<>();
        float[][] centres = {
            {1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f},
            {0.6f, 0.8f, 0f, 0f, 0f, 0f, 0f, 0f},
            {0.6f, 0f, 0.8f, 0f, 0f, 0f, 0f, 0f}
        };
        String[] names = {"a", "b", "c"};
        int[] copies = {6, 3, 3};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < copies[c]; i++) {
                float[] v = centres[c].clone();
                for (int d = 0; d < v.length; d++) {
                    v[d] += (float) (r.nextGaussian() * 0.01);
                }
                dupes.add(v);
                writes.add(QdrantWrite.upsert(names[c] + i, 0, v, null, null, "{}"));
            }
        }
        QdrantCalls.call(
                "test write",
                () -> client.upsertAsync(QdrantRequests.upsert(DUPES, "dense", null, writes)));
    }

    /**
     * Matryoshka-like vectors: the first dimensions carry most of the signal, as a model trained
     * with a Matryoshka loss puts it there. Written through the sink's request with the prefix.
     */
    private static void loadMatryoshka() throws Exception {
        CollectionBootstrap.ensure(
                client,
                CollectionSpec.hybrid(MRL, DIM, false).withoutSparse().withPrefixDimension(PREFIX));
        Random r = new Random(11);
        List<QdrantWrite> writes = new ArrayList<>();
        for (int p = 0; p < POINTS; p++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) (r.nextGaussian() * (d < PREFIX ? 1.0 : 0.15));
            }
            mrl.add(v);
            writes.add(QdrantWrite.upsert("p" + p, 0, v, null, null, "{}"));
        }
        QdrantCalls.call(
                "test write",
                () ->
                        client.upsertAsync(
                                QdrantRequests.upsert(MRL, "dense", null, writes, false, PREFIX)));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static double cosine(float[] a, float[] b) {
        return QdrantSearcherITCase.cosine(a, b);
    }

    /** Mean cosine over all pairs of the hits' vectors. */
    private static double meanPairwise(List<SearchHit> hits) {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < hits.size(); i++) {
            for (int j = i + 1; j < hits.size(); j++) {
                sum += cosine(dupe(hits.get(i)), dupe(hits.get(j)));
                pairs++;
            }
        }
        return sum / pairs;
    }

    private static float[] dupe(SearchHit h) {
        String id = h.docId();
        int base = id.startsWith("a") ? 0 : id.startsWith("b") ? 6 : 9;
        return dupes.get(base + Integer.parseInt(id.substring(1)));
    }

    private static long nearCopiesOfA(List<SearchHit> hits) {
        return hits.stream().filter(h -> h.docId().startsWith("a")).count();
    }

    @Test
    void mmrTradesNearCopiesForOtherDirections() throws Exception {
        try (QdrantSearcher searcher = new QdrantSearcher(client, DUPES, "dense", null)) {
            List<SearchHit> plain = searcher.search(SearchRequest.dense(QUERY, 5)).get();
            List<SearchHit> none =
                    searcher.search(
                                    SearchRequest.dense(QUERY, 5)
                                            .withMmr(new SearchRequest.Mmr(0.0, 12)))
                            .get();
            List<SearchHit> diverse =
                    searcher.search(
                                    SearchRequest.dense(QUERY, 5)
                                            .withMmr(new SearchRequest.Mmr(0.6, 12)))
                            .get();

            // Without MMR the five nearest are five near-copies of one direction.
            assertThat(nearCopiesOfA(plain)).isEqualTo(5);
            assertThat(meanPairwise(plain)).isGreaterThan(0.99);
            // Diversity 0 ranks by relevance alone: the plain list.
            assertThat(none.stream().map(SearchHit::docId).toList())
                    .isEqualTo(plain.stream().map(SearchHit::docId).toList());
            // With 0.6 the best hit stays first and the next two are the other directions;
            // then every candidate repeats a direction, and relevance picks a's copies again.
            assertThat(diverse.get(0).docId()).isEqualTo(plain.get(0).docId());
            assertThat(diverse.subList(0, 3).stream().map(h -> h.docId().substring(0, 1)))
                    .containsExactlyInAnyOrder("a", "b", "c");
            assertThat(nearCopiesOfA(diverse)).isEqualTo(3);
            assertThat(meanPairwise(diverse)).isLessThan(meanPairwise(plain) - 0.1);
            // Scores stay the query's cosines; the order is MMR's.
            for (SearchHit h : diverse) {
                assertThat((double) h.score()).isCloseTo(cosine(QUERY, dupe(h)), within(1e-5));
            }
        }
    }

    @Test
    void mmrIsRefusedForHybridSearches() {
        assertThatThrownBy(
                        () ->
                                SearchRequest.hybrid(
                                                QUERY,
                                                new SparseValues(new int[] {1}, new float[] {1f}),
                                                5,
                                                10)
                                        .withMmr(new SearchRequest.Mmr(0.5, 10)))
                .hasMessageContaining("MMR applies to dense searches only");
    }

    @Test
    void sinkStoresTheNormalizedPrefix() throws Exception {
        List<Points.RetrievedPoint> points =
                QdrantCalls.call(
                        "test read",
                        () ->
                                client.retrieveAsync(
                                        MRL,
                                        List.of(PointIdFactory.id(PointIds.of("p3", 0))),
                                        false,
                                        true,
                                        null));
        float[] stored = StoredPoints.dense(points.get(0), MatryoshkaPrefix.VECTOR_NAME);
        float[] expected = MatryoshkaPrefix.of(mrl.get(3), PREFIX);
        assertThat(stored).hasSize(PREFIX);
        double norm = 0;
        for (int d = 0; d < PREFIX; d++) {
            assertThat(stored[d]).isCloseTo(expected[d], within(1e-6f));
            // Cosine distance stores unit vectors; the prefix already is one.
            norm += stored[d] * stored[d];
        }
        assertThat(norm).isCloseTo(1.0, within(1e-5));
        assertThat(StoredPoints.dense(points.get(0), "dense")).hasSize(DIM);
    }

    @Test
    void twoStageSearchReturnsTheExactFullVectorTopHits() throws Exception {
        Random r = new Random(5);
        try (QdrantSearcher searcher = new QdrantSearcher(client, MRL, "dense", null)) {
            for (int q = 0; q < 5; q++) {
                float[] query = new float[DIM];
                for (int d = 0; d < DIM; d++) {
                    query[d] = (float) (r.nextGaussian() * (d < PREFIX ? 1.0 : 0.15));
                }
                List<String> exact = bruteForce(query, 10);
                List<SearchHit> twoStage =
                        searcher.search(
                                        SearchRequest.dense(query, 10)
                                                .withTwoStage(
                                                        new SearchRequest.TwoStage(
                                                                MatryoshkaPrefix.VECTOR_NAME,
                                                                PREFIX,
                                                                60)))
                                .get();
                assertThat(twoStage.stream().map(SearchHit::docId).toList()).isEqualTo(exact);
                for (SearchHit h : twoStage) {
                    // Rescored by the full vector, not the prefix.
                    float[] v = mrl.get(Integer.parseInt(h.docId().substring(1)));
                    assertThat((double) h.score()).isCloseTo(cosine(query, v), within(1e-5));
                }
                // Grouped by document, the two stages still give the same documents.
                List<SearchHit> grouped =
                        searcher.searchGroups(
                                        SearchRequest.dense(query, 10)
                                                .withTwoStage(
                                                        new SearchRequest.TwoStage(
                                                                MatryoshkaPrefix.VECTOR_NAME,
                                                                PREFIX,
                                                                60)),
                                        CollectionBootstrap.DOC_ID,
                                        1,
                                        new RetryPolicy.Streak())
                                .get();
                assertThat(grouped.stream().map(SearchHit::docId).toList()).isEqualTo(exact);
            }
        }
    }

    @Test
    void thePrefixAloneRanksDifferently() throws Exception {
        // What the second stage repairs: the prefix's own order is not the full vector's.
        Random r = new Random(5);
        int differing = 0;
        for (int q = 0; q < 5; q++) {
            float[] query = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                query[d] = (float) (r.nextGaussian() * (d < PREFIX ? 1.0 : 0.15));
            }
            float[] small = MatryoshkaPrefix.of(query, PREFIX);
            List<String> byPrefix =
                    IntStream.range(0, POINTS)
                            .boxed()
                            .sorted(
                                    Comparator.comparingDouble(
                                            (Integer p) ->
                                                    -cosine(
                                                            small,
                                                            MatryoshkaPrefix.of(
                                                                    mrl.get(p), PREFIX))))
                            .limit(10)
                            .map(p -> "p" + p)
                            .toList();
            if (!byPrefix.equals(bruteForce(query, 10))) {
                differing++;
            }
        }
        assertThat(differing).isGreaterThan(0);
    }

    private static List<String> bruteForce(float[] query, int k) {
        return IntStream.range(0, POINTS)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer p) -> -cosine(query, mrl.get(p))))
                .limit(k)
                .map(p -> "p" + p)
                .toList();
    }
}
