package io.fhs.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ranking metrics with trec_eval's definitions, for one query: {@code ranked} is the retrieved
 * document ids, best first; {@code judged} maps document ids to grades (relevant when > 0).
 */
public final class Metrics {
    private Metrics() {}

    /**
     * trec_eval {@code ndcg_cut.k}: gain = grade, discount log2(rank + 1), ideal ranking built from
     * every judged relevant document.
     */
    public static double ndcg(List<String> ranked, Map<String, Integer> judged, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            int grade = judged.getOrDefault(ranked.get(i), 0);
            if (grade > 0) {
                dcg += grade / log2(i + 2);
            }
        }
        List<Integer> ideal = new ArrayList<>();
        for (int g : judged.values()) {
            if (g > 0) {
                ideal.add(g);
            }
        }
        ideal.sort((a, b) -> Integer.compare(b, a));
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** Reciprocal rank of the first relevant document within the top {@code k}, else 0. */
    public static double mrr(List<String> ranked, Map<String, Integer> judged, int k) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (judged.getOrDefault(ranked.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    /**
     * Average precision over the top {@code k}: the precision at each relevant retrieved document,
     * summed and divided by the number of relevant documents (retrieved or not).
     */
    public static double averagePrecision(List<String> ranked, Map<String, Integer> judged, int k) {
        long relevant = judged.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            return 0;
        }
        double sum = 0;
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (judged.getOrDefault(ranked.get(i), 0) > 0) {
                hits++;
                sum += (double) hits / (i + 1);
            }
        }
        return sum / relevant;
    }

    /** Relevant documents in the top {@code k} over all relevant documents. */
    public static double recall(List<String> ranked, Map<String, Integer> judged, int k) {
        long relevant = judged.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranked.stream().limit(k).filter(d -> judged.getOrDefault(d, 0) > 0).count();
        return (double) found / relevant;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** The four figures the evaluation reports, averaged over judged queries. */
    public record Summary(
            double ndcg10, double mrr10, double map100, double recall100, int queries) {

        /** Means over {@code qrels}' judged queries; a query without results scores 0. */
        public static Summary of(Map<String, List<String>> runs, Qrels qrels) {
            double n = 0, m = 0, a = 0, r = 0;
            List<String> queries = qrels.judgedQueries();
            for (String q : queries) {
                List<String> ranked = runs.getOrDefault(q, List.of());
                Map<String, Integer> judged = qrels.of(q);
                n += ndcg(ranked, judged, 10);
                m += mrr(ranked, judged, 10);
                a += averagePrecision(ranked, judged, 100);
                r += recall(ranked, judged, 100);
            }
            int count = queries.size();
            return count == 0
                    ? new Summary(0, 0, 0, 0, 0)
                    : new Summary(n / count, m / count, a / count, r / count, count);
        }
    }
}
