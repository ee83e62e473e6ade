package io.fhs.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A stream of query texts in which a chosen share repeats an earlier query, as in real query logs
 * (popular queries, paging, dashboards): a repeat picks an earlier distinct text by a Zipf law over
 * first-seen order, so early queries are the popular ones. Without repeats a benchmark would either
 * never hit the query cache (all distinct) or hit it almost always (a few texts cycled).
 */
public final class QueryMix {
    private QueryMix() {}

    /**
     * {@code n} texts drawn from {@code pool} (its distinct texts, in order), of which about {@code
     * repeatRatio} repeat an earlier one; deterministic for a seed. When the pool runs out of new
     * texts, the rest are repeats.
     */
    public static List<String> of(List<String> pool, int n, double repeatRatio, long seed) {
        if (!(repeatRatio >= 0 && repeatRatio <= 1)) {
            throw new IllegalArgumentException(
                    "the repeat ratio must be in [0, 1], got " + repeatRatio);
        }
        List<String> fresh = new ArrayList<>(new LinkedHashSet<>(pool));
        if (fresh.isEmpty()) {
            throw new IllegalArgumentException("no query texts to draw from");
        }
        Random random = new Random(seed);
        List<String> seen = new ArrayList<>();
        List<String> out = new ArrayList<>(n);
        int next = 0;
        for (int i = 0; i < n; i++) {
            boolean repeat =
                    !seen.isEmpty() && (next == fresh.size() || random.nextDouble() < repeatRatio);
            if (repeat) {
                out.add(seen.get(zipf(seen.size(), random)));
            } else {
                String t = fresh.get(next++);
                seen.add(t);
                out.add(t);
            }
        }
        return out;
    }

    /** The share of {@code texts} that repeat an earlier one. */
    public static double repeatShare(List<String> texts) {
        Set<String> seen = new LinkedHashSet<>();
        int repeats = 0;
        for (String t : texts) {
            if (!seen.add(t)) {
                repeats++;
            }
        }
        return texts.isEmpty() ? 0 : (double) repeats / texts.size();
    }

    // Rank r (0-based) with probability about 1 / ((r + 1) ln size): size^u for uniform u falls
    // in [r + 1, r + 2) with probability ln((r + 2) / (r + 1)) / ln size.
    private static int zipf(int size, Random random) {
        int r = (int) Math.floor(Math.pow(size, random.nextDouble())) - 1;
        return Math.min(size - 1, Math.max(0, r));
    }
}
