package io.fhs.jobs.query;

import io.fhs.operators.flink.BatchingAsyncFunction;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.rerank.CrossEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Reranks the top candidates of the queries that ask for it with a cross-encoder: one predict call
 * for all pairs of a batch of concurrent queries. Every query leaves with at most its top_k hits
 * and, unless configured otherwise, without the chunk text it does not want.
 */
public final class RerankFunction extends BatchingAsyncFunction<QueryWork, QueryWork> {
    private static final long serialVersionUID = 1L;

    private final String model;
    private final int topN;
    private final boolean returnText;

    private transient CrossEncoder encoder;

    /** {@code model} null: no reranker; queries asking for one get an error result. */
    public RerankFunction(
            String model, int topN, boolean returnText, int batchSize, Duration maxWait) {
        super(batchSize, maxWait);
        this.model = model;
        this.topN = topN;
        this.returnText = returnText;
    }

    @Override
    protected Function<List<QueryWork>, List<QueryWork>> openBatchFunction() {
        if (model != null) {
            encoder = new CrossEncoder(ModelLocator.resolve(model), EncoderOptions.defaults());
        }
        return this::rerank;
    }

    private List<QueryWork> rerank(List<QueryWork> batch) {
        long start = System.nanoTime();
        List<CrossEncoder.TextPair> pairs = new ArrayList<>();
        for (QueryWork w : batch) {
            if (wantsRerank(w)) {
                for (QueryResult.Hit h : candidates(w)) {
                    pairs.add(new CrossEncoder.TextPair(w.query().text(), textOf(h)));
                }
            }
        }
        float[] scores = pairs.isEmpty() ? new float[0] : encoder.predict(pairs);
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<QueryWork> out = new ArrayList<>(batch.size());
        int next = 0;
        for (QueryWork w : batch) {
            if (w.failed()) {
                out.add(w);
            } else if (w.query().rerank() && encoder == null) {
                out.add(w.failing("rerank: no cross-encoder is configured (model.rerank)"));
            } else if (wantsRerank(w)) {
                List<QueryResult.Hit> scored = new ArrayList<>();
                for (QueryResult.Hit h : candidates(w)) {
                    scored.add(withRerank(h, scores[next++]));
                }
                scored.sort(Comparator.comparing(QueryResult.Hit::rerankScore).reversed());
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
        return w.hits().subList(0, Math.min(topN, w.hits().size()));
    }

    private static String textOf(QueryResult.Hit h) {
        String body = h.text() == null ? "" : h.text();
        return h.title() == null || h.title().isBlank() ? body : h.title() + " " + body;
    }

    private static QueryResult.Hit withRerank(QueryResult.Hit h, float score) {
        return new QueryResult.Hit(
                h.docId(), h.chunk(), h.score(), score, h.title(), h.text(), h.metadata());
    }

    private List<QueryResult.Hit> finish(List<QueryResult.Hit> hits, int topK) {
        List<QueryResult.Hit> out = new ArrayList<>();
        for (QueryResult.Hit h : hits.subList(0, Math.min(topK, hits.size()))) {
            out.add(
                    returnText
                            ? h
                            : new QueryResult.Hit(
                                    h.docId(),
                                    h.chunk(),
                                    h.score(),
                                    h.rerankScore(),
                                    h.title(),
                                    null,
                                    h.metadata()));
        }
        return out;
    }

    @Override
    protected void closeBatchFunction() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
