package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One document of 50 chunks, each closer to the query than any other document, and 20 documents of
 * one chunk: a plain search of three times top_k chunks returns only the big document, a grouped
 * one exactly top_k documents, best first, in dense, sparse and hybrid mode.
 */
class GroupedSearchITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();

    static final String C = "grouped";
    static final int DIM = 4;
    static final int TOP_K = 10;
    static final float[] QUERY = {1f, 0f, 0f, 0f};
    static final SparseValues SPARSE_QUERY =
            new SparseValues(new int[] {1, 2}, new float[] {1f, 1f});

    static QdrantClient client;
    static QdrantSearcher searcher;
    // Each document's best cosine to the query: the ranking a grouped dense search must give.
    static final Map<String, Double> best = new HashMap<>();

    @BeforeAll
    static void load() {
        client = QDRANT.connection().open();
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(C, DIM, false));
        Random r = new Random(7);
        List<QdrantWrite> writes = new ArrayList<>();
        for (int chunk = 0; chunk < 50; chunk++) {
            float[] v = {1f, 0.01f * r.nextFloat(), 0.01f * r.nextFloat(), 0f};
            writes.add(point("big", chunk, v, 3f));
        }
        for (int d = 0; d < 20; d++) {
            float[] v = {1f, 0.2f + 0.1f * d, r.nextFloat() * 0.1f, 0.1f};
            writes.add(point("doc" + d, 0, v, 2f - 0.05f * d));
        }
        QdrantCalls.call(
                "test write",
                () -> client.upsertAsync(QdrantRequests.upsert(C, "dense", "sparse", writes)));
        searcher = new QdrantSearcher(client, C, "dense", "sparse");
    }

    static QdrantWrite point(String docId, int chunk, float[] v, float weight) {
        best.merge(docId, cosine(v, QUERY), Math::max);
        return QdrantWrite.upsert(
                docId, chunk, v, new int[] {1, 2}, new float[] {weight, 1f}, "{}");
    }

    @AfterAll
    static void close() {
        searcher.close();
        client.close();
    }

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

    static List<SearchHit> grouped(SearchRequest r, int groupSize) throws Exception {
        return searcher.searchGroups(
                        r, CollectionBootstrap.DOC_ID, groupSize, new RetryPolicy.Streak())
                .get();
    }

    static List<String> docs(List<SearchHit> hits) {
        List<String> out = new ArrayList<>();
        hits.forEach(h -> out.add(h.docId()));
        return out;
    }

    @Test
    void chunksOfOneDocumentCrowdOutAPlainSearch() throws Exception {
        List<SearchHit> hits =
                searcher.search(SearchRequest.dense(QUERY, 3 * TOP_K).withExact(true)).get();
        assertThat(hits).hasSize(3 * TOP_K);
        assertThat(new LinkedHashSet<>(docs(hits))).containsExactly("big");
    }

    @Test
    void aGroupedDenseSearchReturnsTopKDocumentsInScoreOrder() throws Exception {
        List<SearchHit> hits = grouped(SearchRequest.dense(QUERY, TOP_K).withExact(true), 1);
        List<String> expected =
                best.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .limit(TOP_K)
                        .map(Map.Entry::getKey)
                        .toList();
        assertThat(docs(hits)).containsExactlyElementsOf(expected);
        assertThat(hits)
                .extracting(SearchHit::score)
                .isSortedAccordingTo(Comparator.reverseOrder());
        for (SearchHit h : hits) {
            assertThat((double) h.score()).isCloseTo(best.get(h.docId()), within(1e-4));
        }
    }

    @Test
    void aGroupedSparseSearchRanksDocumentsByTheirBestChunk() throws Exception {
        List<SearchHit> hits = grouped(SearchRequest.sparse(SPARSE_QUERY, TOP_K), 1);
        List<String> expected = new ArrayList<>(List.of("big"));
        for (int d = 0; d < TOP_K - 1; d++) {
            expected.add("doc" + d);
        }
        assertThat(docs(hits)).containsExactlyElementsOf(expected);
        assertThat(hits.get(0).score()).isCloseTo(4f, within(1e-4f));
    }

    /**
     * Hybrid groups come back exactly top_k, distinct and sorted, but not in the order of fusing
     * chunks first: Qdrant fills groups in rounds, fusing the prefetches anew each round without
     * the documents found so far, so doc0 (first of the second round) gets RRF's top score and
     * outranks big, which both prefetches rank first. Hence the query job groups only dense and
     * sparse searches on the server (QuerySettings.groupsOnServer).
     */
    @Test
    void hybridGroupsRescoreEachRound() throws Exception {
        for (SearchRequest r :
                List.of(
                        SearchRequest.hybrid(QUERY, SPARSE_QUERY, TOP_K, 100),
                        SearchRequest.hybrid(QUERY, SPARSE_QUERY, TOP_K, 100)
                                .withFusion(SearchRequest.Fusion.DBSF, 60))) {
            List<SearchHit> hits = grouped(r, 1);
            assertThat(docs(hits)).as("%s", r.fusion()).hasSize(TOP_K).doesNotHaveDuplicates();
            assertThat(docs(hits)).contains("big");
            assertThat(hits)
                    .extracting(SearchHit::score)
                    .isSortedAccordingTo(Comparator.reverseOrder());
        }
        List<SearchHit> rrf = grouped(SearchRequest.hybrid(QUERY, SPARSE_QUERY, TOP_K, 100), 1);
        // Rank 1 in both prefetches of its round: 2 / (60 + 1).
        assertThat(rrf.get(0).docId()).isEqualTo("doc0");
        assertThat(rrf.get(0).score()).isCloseTo(2f / 61, within(1e-5f));
    }

    @Test
    void aGroupSizeAboveOneReturnsEachDocumentsBestChunksTogether() throws Exception {
        List<SearchHit> hits = grouped(SearchRequest.dense(QUERY, TOP_K).withExact(true), 3);
        // The big document's three best chunks, then one chunk of each of nine other documents.
        assertThat(hits).hasSize(3 + TOP_K - 1);
        assertThat(docs(hits).subList(0, 3)).containsOnly("big");
        assertThat(new LinkedHashSet<>(docs(hits))).hasSize(TOP_K);
        assertThat(hits.subList(0, 3))
                .extracting(SearchHit::score)
                .isSortedAccordingTo(Comparator.reverseOrder());
    }
}
