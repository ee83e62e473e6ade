package io.fhs.jobs.query;

import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.namedVectors;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.PointIds;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.sparse.SparseVector;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points.PointStruct;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hybrid searches are collapsed to documents on the client (Qdrant's groups re-fuse each round, see
 * GroupedSearchITCase). One document of 200 chunks that both prefetches rank above every other
 * document, and 20 one-chunk documents: top_k x 3 fused chunks hold only the big document, yet the
 * query job's search stage returns exactly top_k documents, in fused order, by asking again deeper.
 */
class CollapsedSearchITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();

    static final String C = "collapsed";
    static final int BIG_CHUNKS = 200;
    static final int SMALL_DOCS = 20;
    static final float[] QUERY = {1f, 0f, 0f, 0f};
    static final SparseVector SPARSE_QUERY = new SparseVector(new int[] {1}, new float[] {1f});

    static QdrantClient client;

    @BeforeAll
    static void load() {
        client = QDRANT.connection().open();
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(C, 4, false));
        Random r = new Random(11);
        List<PointStruct> points = new ArrayList<>();
        for (int chunk = 0; chunk < BIG_CHUNKS; chunk++) {
            float[] v = {1f, 0.01f * r.nextFloat(), 0.01f * r.nextFloat(), 0f};
            points.add(point("big", chunk, v, 5f));
        }
        for (int d = 0; d < SMALL_DOCS; d++) {
            points.add(
                    point("doc" + d, 0, new float[] {1f, 0.3f + 0.1f * d, 0f, 0.1f}, 2f - d / 20f));
        }
        QdrantCalls.call("test write", () -> client.upsertAsync(C, points));
    }

    static PointStruct point(String docId, int chunk, float[] dense, float sparseWeight) {
        List<Float> d = new ArrayList<>();
        for (float x : dense) {
            d.add(x);
        }
        return PointStruct.newBuilder()
                .setId(id(PointIds.of(docId, chunk)))
                .setVectors(
                        namedVectors(
                                Map.of(
                                        CollectionSpec.DEFAULT_DENSE_NAME,
                                        vector(d),
                                        CollectionSpec.DEFAULT_SPARSE_NAME,
                                        vector(List.of(sparseWeight), List.of(1)))))
                .putAllPayload(
                        Map.of(CollectionBootstrap.DOC_ID, value(docId), "chunk", value(chunk)))
                .build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static SearchStage stage(boolean clientFusion) {
        Configuration c = new Configuration();
        c.set(QdrantOptions.COLLECTION, C);
        c.set(QueryOptions.CLIENT_FUSION, clientFusion);
        return SearchStage.on(QuerySettings.from(c, VectorQuantization.none()), client);
    }

    @ParameterizedTest(name = "top_k {0}, client fusion {1}")
    @CsvSource({"10, false", "10, true", "21, false", "30, false"})
    void aHybridSearchReturnsTopKDocumentsWhenTheCollectionHasThem(int topK, boolean clientFusion)
            throws Exception {
        try (SearchStage stage = stage(clientFusion)) {
            Query q = Query.of("q", "x", SearchRequest.Mode.HYBRID, topK, false);
            QueryWork w = stage.search(QueryWork.of(q).encoded(QUERY, SPARSE_QUERY, 0)).get();
            assertThat(w.failed()).as(w.error()).isFalse();
            List<String> docs = w.hits().stream().map(QueryResult.Hit::docId).toList();
            // The collection holds 21 documents: all of them when more are asked for.
            assertThat(docs).hasSize(Math.min(topK, SMALL_DOCS + 1)).doesNotHaveDuplicates();
            // Both prefetches rank the big document first and the small ones in index order.
            List<String> expected = new ArrayList<>(List.of("big"));
            for (int d = 0; d < docs.size() - 1; d++) {
                expected.add("doc" + d);
            }
            assertThat(new LinkedHashSet<>(docs)).containsExactlyElementsOf(expected);
        }
    }
}
