package io.fhs.operators.similarity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Brute-force top-k over an in-memory corpus: the reference that approximate search is judged by.
 */
@PublicEvolving
public final class ExactSearch {
    private ExactSearch() {}

    /** A corpus position and its score. */
    public record Hit(int index, float score) {}

    // Best first; ties go to the lower corpus index so results are deterministic.
    private static final Comparator<Hit> BEST_FIRST =
            Comparator.comparingDouble((Hit h) -> -h.score()).thenComparingInt(Hit::index);

    /** The {@code k} corpus vectors most similar to {@code query}, best first. */
    public static List<Hit> topK(
            float[] query, List<float[]> corpus, int k, SimilarityFunction similarity) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        // Min-heap of the current best k: the root is the weakest kept hit. Sized by the corpus
        // too: k + 1 overflows for k = MAX_VALUE, and a huge k must not allocate a huge array.
        PriorityQueue<Hit> heap =
                new PriorityQueue<>(Math.min(k, corpus.size()) + 1, BEST_FIRST.reversed());
        for (int i = 0; i < corpus.size(); i++) {
            heap.add(new Hit(i, similarity.score(query, corpus.get(i))));
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<Hit> hits = new ArrayList<>(heap);
        Collections.sort(hits, BEST_FIRST);
        return hits;
    }
}
