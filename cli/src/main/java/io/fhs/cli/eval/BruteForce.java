package io.fhs.cli.eval;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.operators.similarity.SimilarityFunction;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
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
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.include(List.of("doc_id")),
                true,
                p -> {
                    docIds.add(p.getPayloadMap().get("doc_id").getStringValue());
                    vectors.add(StoredPoints.dense(p, CollectionSpec.DEFAULT_DENSE_NAME));
                });
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
