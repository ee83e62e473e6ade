package io.fhs.jobs.eval;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.operators.similarity.SimilarityFunction;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Brute-force dense retrieval over the vectors stored in a collection, independent of Qdrant's
 * search: every stored chunk vector is scored against the query, documents take their best chunk.
 * The evaluation checks Qdrant's exact search against it.
 */
final class BruteForce {
    private final List<String> docIds = new ArrayList<>();
    private final List<float[]> vectors = new ArrayList<>();

    BruteForce(QdrantClient client, String collection) {
        ScrollPoints.Builder scroll =
                ScrollPoints.newBuilder()
                        .setCollectionName(collection)
                        .setLimit(1000)
                        .setWithPayload(WithPayloadSelectorFactory.include(List.of("doc_id")))
                        .setWithVectors(WithVectorsSelectorFactory.enable(true));
        while (true) {
            ScrollPoints request = scroll.build();
            ScrollResponse page = QdrantCalls.call("scrolling", () -> client.scrollAsync(request));
            for (RetrievedPoint p : page.getResultList()) {
                docIds.add(p.getPayloadMap().get("doc_id").getStringValue());
                var v =
                        p.getVectors()
                                .getVectors()
                                .getVectorsMap()
                                .get(CollectionSpec.DEFAULT_DENSE_NAME);
                List<Float> data =
                        v.getDense().getDataCount() > 0
                                ? v.getDense().getDataList()
                                : v.getDataList();
                float[] f = new float[data.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = data.get(i);
                }
                vectors.add(f);
            }
            if (!page.hasNextPageOffset()) {
                return;
            }
            scroll.setOffset(page.getNextPageOffset());
        }
    }

    /** The top {@code depth} documents by cosine of their best chunk. */
    List<String> search(float[] query, int depth) {
        Map<String, Float> best = new HashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            float s = SimilarityFunction.COSINE.score(query, vectors.get(i));
            best.merge(docIds.get(i), s, Math::max);
        }
        return best.entrySet().stream()
                .sorted(Map.Entry.<String, Float>comparingByValue(Comparator.reverseOrder()))
                .limit(depth)
                .map(Map.Entry::getKey)
                .toList();
    }
}
