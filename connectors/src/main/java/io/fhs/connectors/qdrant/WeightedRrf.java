package io.fhs.connectors.qdrant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Weighted reciprocal rank fusion on the client: {@code score = wDense / (k + rankDense) + wSparse
 * / (k + rankSparse)}, ranks from 1, a list that misses a point adding nothing. Qdrant's
 * server-side RRF takes no weights, so weighted fusion runs the two searches and fuses here.
 */
@PublicEvolving
public final class WeightedRrf {
    private WeightedRrf() {}

    public static List<SearchHit> fuse(
            List<SearchHit> dense,
            List<SearchHit> sparse,
            int k,
            double denseWeight,
            double sparseWeight,
            int limit) {
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, SearchHit> hits = new LinkedHashMap<>();
        add(dense, k, denseWeight, scores, hits);
        add(sparse, k, sparseWeight, scores, hits);
        List<String> ids = new ArrayList<>(scores.keySet());
        // Stable: equal scores keep the dense list's order, then the sparse list's.
        ids.sort(Comparator.comparing((String id) -> scores.get(id)).reversed());
        List<SearchHit> out = new ArrayList<>();
        for (String id : ids.subList(0, Math.min(limit, ids.size()))) {
            SearchHit h = hits.get(id);
            out.add(new SearchHit(id, (float) (double) scores.get(id), h.payload()));
        }
        return out;
    }

    private static void add(
            List<SearchHit> list,
            int k,
            double weight,
            Map<String, Double> scores,
            Map<String, SearchHit> hits) {
        for (int i = 0; i < list.size(); i++) {
            SearchHit h = list.get(i);
            scores.merge(h.pointId(), weight / (k + i + 1), Double::sum);
            hits.putIfAbsent(h.pointId(), h);
        }
    }
}
