package io.fhs.cli.eval;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.operators.similarity.SimilarityFunction;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Intra-list similarity, a diversity figure: the mean pairwise cosine of the top k documents'
 * best-chunk dense vectors, averaged over queries (lower is more diverse). The vectors come from
 * one collection for every row of a run, so rows searched in truncated or quantized collections are
 * measured in the same space as the others.
 */
public final class IntraListSimilarity {
    private final Map<String, float[]> vectors = new HashMap<>();

    private IntraListSimilarity() {}

    /** The stored dense vector of every chunk of {@code collection}. */
    public static IntraListSimilarity load(QdrantClient client, String collection) {
        IntraListSimilarity ils = new IntraListSimilarity();
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.include(List.of("doc_id", "chunk")),
                true,
                p -> {
                    if (p.getVectors()
                            .getVectors()
                            .getVectorsMap()
                            .containsKey(CollectionSpec.DEFAULT_DENSE_NAME)) {
                        float[] v = StoredPoints.dense(p, CollectionSpec.DEFAULT_DENSE_NAME);
                        ils.vectors.put(
                                key(
                                        p.getPayloadMap().get("doc_id").getStringValue(),
                                        (int) p.getPayloadMap().get("chunk").getIntegerValue()),
                                v);
                    }
                });
        return ils;
    }

    /**
     * The mean over queries of the top {@code k} documents' intra-list similarity, each document at
     * the chunk {@code chunks} names for it (its best); queries with fewer than two documents are
     * left out.
     */
    public double mean(
            Map<String, List<String>> runs, Map<String, Map<String, Integer>> chunks, int k) {
        double sum = 0;
        int counted = 0;
        for (Map.Entry<String, List<String>> run : runs.entrySet()) {
            Map<String, Integer> best = chunks.getOrDefault(run.getKey(), Map.of());
            List<float[]> top = new ArrayList<>(k);
            for (String doc : run.getValue().subList(0, Math.min(k, run.getValue().size()))) {
                float[] v = vectors.get(key(doc, best.getOrDefault(doc, 0)));
                if (v != null) {
                    top.add(v);
                }
            }
            if (top.size() >= 2) {
                sum += of(top);
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /** The mean cosine over all pairs of {@code vectors} (at least two). */
    static double of(List<float[]> vectors) {
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < vectors.size(); i++) {
            for (int j = i + 1; j < vectors.size(); j++) {
                sum += SimilarityFunction.COSINE.score(vectors.get(i), vectors.get(j));
                pairs++;
            }
        }
        return sum / pairs;
    }

    private static String key(String doc, int chunk) {
        return doc + "#" + chunk;
    }
}
