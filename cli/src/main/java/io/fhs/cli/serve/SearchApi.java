package io.fhs.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.cli.Snippets;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryParser;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JSON API over a {@link QueryCore}: {@code /search}, {@code /compare} and {@code /health}. The
 * core's encoder and reranker are not thread-safe, so every call of it runs on one thread, behind a
 * bounded queue: a request that finds it full gets a 503 at once.
 */
final class SearchApi implements AutoCloseable {
    static final Set<String> SEARCH_PARAMS = Set.of("q", "mode", "top_k", "rerank");
    static final Set<String> COMPARE_PARAMS = Set.of("q", "top_k", "rerank");
    static final List<SearchRequest.Mode> COMPARED =
            List.of(SearchRequest.Mode.DENSE, SearchRequest.Mode.SPARSE, SearchRequest.Mode.HYBRID);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final QueryCore core;
    private final QuerySettings settings;
    private final QueryParser parser;
    private final ThreadPoolExecutor engineThread;
    private final int queue;
    // Engine time a request may take beyond the search deadline: encoding and reranking.
    private final long timeoutMs;
    private final AtomicLong ids = new AtomicLong();

    SearchApi(QueryCore core, int queue) {
        this.core = core;
        this.settings = core.settings();
        this.parser = new QueryParser(settings.topK(), settings.mode(), settings.rerank());
        this.queue = queue;
        this.timeoutMs = settings.deadline().toMillis() + 30_000;
        this.engineThread =
                new ThreadPoolExecutor(
                        1,
                        1,
                        0,
                        TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(queue),
                        r -> {
                            Thread t = new Thread(r, "fhs-serve-engine");
                            // close() drains it; a server never closed must not keep the JVM up.
                            t.setDaemon(true);
                            return t;
                        },
                        new ThreadPoolExecutor.AbortPolicy());
    }

    /** What the page needs to know before its first search: the defaults and what is on. */
    ObjectNode health() {
        ObjectNode out = JSON.createObjectNode().put("status", "ok");
        out.put("collection", settings.collection());
        out.put("sparse", settings.hasSparse());
        out.put("rerank_model", settings.rerankModel() != null);
        out.putObject("defaults")
                .put("mode", name(settings.mode()))
                .put("top_k", settings.topK())
                .put("rerank", settings.rerank());
        return out;
    }

    /** {@code GET /search?q=&mode=&top_k=&rerank=}: one search. */
    CompletableFuture<ObjectNode> search(Map<String, String> params) {
        SearchParams.allowOnly(params, SEARCH_PARAMS);
        Query q = SearchParams.query(parser, params, null, nextId());
        check(q);
        return run(List.of(q)).thenApply(r -> answer(q, r.get(0)));
    }

    /** {@code GET /compare?q=&top_k=&rerank=}: the same query in every mode, one batch. */
    CompletableFuture<ObjectNode> compare(Map<String, String> params) {
        SearchParams.allowOnly(params, COMPARE_PARAMS);
        List<Query> queries = new ArrayList<>();
        for (SearchRequest.Mode m : COMPARED) {
            Query q = SearchParams.query(parser, params, m, nextId());
            check(q);
            queries.add(q);
        }
        return run(queries)
                .thenApply(
                        results -> {
                            ObjectNode out = JSON.createObjectNode();
                            out.put("query", queries.get(0).text());
                            for (int i = 0; i < queries.size(); i++) {
                                out.set(
                                        name(queries.get(i).mode()),
                                        answer(queries.get(i), results.get(i)));
                            }
                            return out;
                        });
    }

    private String nextId() {
        return "http-" + ids.incrementAndGet();
    }

    /** Refuses what the core would fail anyway, as a bad parameter rather than an error. */
    private void check(Query q) {
        if (q.rerank() && settings.rerankModel() == null) {
            throw ApiException.badRequest(
                    "rerank: no cross-encoder is configured (start with -D model.rerank=DIR)");
        }
        if (q.mode() != SearchRequest.Mode.DENSE && !settings.hasSparse()) {
            throw ApiException.badRequest(
                    "mode: " + name(q.mode()) + " needs a sparse model, and model.sparse is none");
        }
    }

    private CompletableFuture<List<QueryResult>> run(List<Query> queries) {
        try {
            return CompletableFuture.supplyAsync(() -> core.runAll(queries), engineThread)
                    .orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new ApiException(
                    503,
                    engineThread.isShutdown()
                            ? "the server is stopping"
                            : "busy: " + queue + " searches are waiting; try again",
                    e);
        }
    }

    /** The response to one query: its hits with snippets and scores, or its error. */
    private ObjectNode answer(Query q, QueryResult r) {
        if (r.error() != null) {
            throw new ApiException(status(r.error()), r.error(), null);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("query", q.text());
        out.put("mode", name(q.mode()));
        out.put("top_k", q.topK());
        out.put("rerank", q.rerank());
        List<String> terms = Snippets.terms(q.text());
        ArrayNode hits = out.putArray("hits");
        int rank = 1;
        for (QueryResult.Hit h : r.hits()) {
            hits.add(hit(rank++, h, q.mode(), terms));
        }
        ObjectNode timings = out.putObject("timings_ms");
        r.timingsMs().forEach(timings::put);
        return out;
    }

    private static ObjectNode hit(
            int rank, QueryResult.Hit h, SearchRequest.Mode mode, List<String> terms) {
        ObjectNode n = JSON.createObjectNode();
        n.put("rank", rank);
        n.put("doc_id", h.docId());
        n.put("chunk", h.chunk());
        if (h.title() != null && !h.title().isBlank()) {
            n.put("title", h.title());
        }
        Snippets.Snippet s = Snippets.snippet(h.text(), terms);
        ObjectNode snippet = n.putObject("snippet").put("text", s.text());
        ArrayNode spans = snippet.putArray("highlights");
        for (Snippets.Span span : s.highlights()) {
            spans.addArray().add(span.start()).add(span.end());
        }
        n.put("score", h.score());
        ObjectNode scores = n.putObject("scores");
        if (mode == SearchRequest.Mode.HYBRID) {
            scores.put("fused", h.score());
        }
        if (h.denseScore() != null) {
            scores.put("dense", h.denseScore());
        }
        if (h.sparseScore() != null) {
            scores.put("sparse", h.sparseScore());
        }
        if (h.rerankScore() != null) {
            scores.put("rerank", h.rerankScore());
        }
        return n;
    }

    /**
     * A failed query's status: the search stage's errors ("search failed: ...", "search deadline
     * ... exceeded") mean Qdrant is unreachable or refuses; the stages' checks of a field ("mode:
     * ...") are the request's fault; anything else is ours.
     */
    static int status(String error) {
        if (error.startsWith("search ")) {
            return 503;
        }
        if (error.startsWith("mode:") || error.startsWith("rerank:")) {
            return 400;
        }
        return 500;
    }

    private static String name(SearchRequest.Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** Stops taking searches and waits for the queued ones, so that each gets its answer. */
    @Override
    public void close() {
        engineThread.shutdown();
        try {
            if (!engineThread.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS)) {
                engineThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            engineThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
