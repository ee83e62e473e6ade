package io.fhs.jobs.query;

import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.rerank.CrossEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reranks the top candidates of the queries that ask for it with a cross-encoder: one predict call
 * for all pairs of a batch of concurrent queries. Every query leaves with at most its top_k hits
 * and, unless configured otherwise, without the chunk text. Not thread-safe: one batch at a time.
 */
@Internal
public final class RerankStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RerankStage.class);

    private final QuerySettings settings;
    private final CrossEncoder encoder;

    private RerankStage(QuerySettings settings, CrossEncoder encoder) {
        this.settings = settings;
        this.encoder = encoder;
    }

    /** Loads {@code model.rerank} when configured; without it, queries asking to rerank fail. */
    public static RerankStage open(QuerySettings settings) {
        return new RerankStage(
                settings,
                settings.rerankModel() == null
                        ? null
                        : new CrossEncoder(
                                ModelLocator.resolve(settings.rerankModel()),
                                EncoderOptions.defaults()
                                        .withIntraOpThreads(settings.rerankThreads())));
    }

    public QuerySettings settings() {
        return settings;
    }

    /**
     * Reranks each query's top rerank-top-n hits (the rest follow in search order), cuts to top_k
     * and drops unwanted text; failed work passes through. When the cross-encoder fails on a batch,
     * its queries are reranked one by one, so only a query that fails on its own gets an error
     * result.
     */
    public List<QueryWork> rerank(List<QueryWork> batch) {
        long start = System.nanoTime();
        List<CrossEncoder.TextPair> pairs = new ArrayList<>();
        for (QueryWork w : batch) {
            if (wantsRerank(w)) {
                for (QueryResult.Hit h : candidates(w)) {
                    pairs.add(new CrossEncoder.TextPair(w.query().text(), textOf(h)));
                }
            }
        }
        float[] scores;
        String failure = null;
        try {
            scores = pairs.isEmpty() ? new float[0] : encoder.predict(pairs);
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                LOG.warn("Reranking {} queries failed; reranking them one by one", batch.size(), e);
                List<QueryWork> out = new ArrayList<>(batch.size());
                for (QueryWork w : batch) {
                    out.addAll(rerank(List.of(w)));
                }
                return out;
            }
            LOG.warn("Reranking {} pairs failed", pairs.size(), e);
            scores = null;
            failure = "rerank failed: " + e.getMessage();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<QueryWork> out = new ArrayList<>(batch.size());
        int next = 0;
        for (QueryWork w : batch) {
            if (w.failed()) {
                out.add(w);
            } else if (w.query().rerank() && encoder == null) {
                out.add(w.failing("rerank: no cross-encoder is configured (model.rerank)"));
            } else if (wantsRerank(w) && scores == null) {
                out.add(w.failing(failure));
            } else if (wantsRerank(w)) {
                List<QueryResult.Hit> scored = new ArrayList<>();
                for (QueryResult.Hit h : candidates(w)) {
                    scored.add(h.withRerankScore(scores[next++]));
                }
                // Stable: equal rerank scores keep the search's order.
                scored.sort(Comparator.comparing(QueryResult.Hit::rerankScore).reversed());
                // Hits below rerank-top-n follow in search order: top_k may ask for more.
                scored.addAll(w.hits().subList(scored.size(), w.hits().size()));
                out.add(w.reranked(finish(scored, w.query().topK()), ms));
            } else {
                out.add(w.reranked(finish(w.hits(), w.query().topK()), 0));
            }
        }
        return out;
    }

    private boolean wantsRerank(QueryWork w) {
        return !w.failed() && w.query().rerank() && encoder != null && !w.hits().isEmpty();
    }

    private List<QueryResult.Hit> candidates(QueryWork w) {
        return w.hits().subList(0, Math.min(settings.rerankTopN(), w.hits().size()));
    }

    // The cross-encoder reads the title too: CACM-like records say much in their titles.
    private static String textOf(QueryResult.Hit h) {
        String body = h.text() == null ? "" : h.text();
        return h.title() == null || h.title().isBlank() ? body : h.title() + " " + body;
    }

    private List<QueryResult.Hit> finish(List<QueryResult.Hit> hits, int topK) {
        List<QueryResult.Hit> out = new ArrayList<>();
        for (QueryResult.Hit h : hits.subList(0, Math.min(topK, hits.size()))) {
            out.add(settings.returnText() ? h : h.withoutText());
        }
        return out;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
