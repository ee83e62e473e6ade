package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.QdrantErrors;
import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.WeightedRrf;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Searches Qdrant for encoded queries without blocking: dense, sparse, or hybrid with one prefetch
 * per vector and server-side RRF/DBSF (client-side for weighted RRF). Transient failures are
 * retried with backoff until the deadline; the returned future never fails: a search that does not
 * succeed in time completes with an error result. Thread-safe.
 */
public final class SearchStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchStage.class);
    private static final List<String> PAYLOAD =
            List.of("doc_id", "chunk", "title", "text", "metadata");
    // Between attempts, after QdrantSearcher's own quick retries: 100 ms doubling up to 1 s.
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 1000;
    // Chunks of one document crowd each other out: ask for this many times more, then collapse.
    static final int COLLAPSE_OVERFETCH = 3;

    private final QuerySettings settings;
    private final QdrantSearcher searcher;
    private final QdrantClient ownedClient;
    private final ScheduledThreadPoolExecutor timer;

    private SearchStage(QuerySettings settings, QdrantSearcher searcher, QdrantClient owned) {
        this.settings = settings;
        this.searcher = searcher;
        this.ownedClient = owned;
        this.timer =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "query-search-timer");
                            t.setDaemon(true);
                            return t;
                        });
        // Deadlines of searches that succeed are cancelled; drop them rather than keep them queued.
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A stage with its own Qdrant client, closed with it. */
    public static SearchStage open(QuerySettings settings, QdrantConnection connection) {
        QdrantClient client = connection.open();
        return new SearchStage(settings, searcher(settings, client), client);
    }

    /** A stage on a client the caller keeps (and closes). */
    public static SearchStage on(QuerySettings settings, QdrantClient client) {
        return new SearchStage(settings, searcher(settings, client), null);
    }

    private static QdrantSearcher searcher(QuerySettings settings, QdrantClient client) {
        return new QdrantSearcher(
                client,
                settings.collection(),
                CollectionSpec.DEFAULT_DENSE_NAME,
                CollectionSpec.DEFAULT_SPARSE_NAME);
    }

    /**
     * Searches for {@code w} (failed work passes through). Completes with the hits, collapsed to
     * documents when configured, or with an error result; never exceptionally.
     */
    public CompletableFuture<QueryWork> search(QueryWork w) {
        if (w.failed()) {
            return CompletableFuture.completedFuture(w);
        }
        long start = System.nanoTime();
        long deadlineMs = settings.deadline().toMillis();
        CompletableFuture<QueryWork> out = new CompletableFuture<>();
        AtomicReference<Throwable> lastError = new AtomicReference<>();
        AtomicInteger attempts = new AtomicInteger();
        ScheduledFuture<?> deadline =
                timer.schedule(
                        () -> {
                            Throwable last = lastError.get();
                            out.complete(
                                    w.failing(
                                                    "search deadline of "
                                                            + deadlineMs
                                                            + " ms exceeded after "
                                                            + attempts.get()
                                                            + " attempt(s)"
                                                            + (last == null
                                                                    ? " (is Qdrant reachable?)"
                                                                    : "; last error: "
                                                                            + QdrantErrors.describe(
                                                                                    last)))
                                            .withSearchMs(deadlineMs));
                        },
                        deadlineMs,
                        TimeUnit.MILLISECONDS);
        out.whenComplete((r, e) -> deadline.cancel(false));
        attempt(w, start, out, lastError, attempts);
        return out;
    }

    private void attempt(
            QueryWork w,
            long start,
            CompletableFuture<QueryWork> out,
            AtomicReference<Throwable> lastError,
            AtomicInteger attempts) {
        if (out.isDone()) {
            return;
        }
        int n = attempts.incrementAndGet();
        int wanted = settings.wanted(w.query());
        CompletableFuture<List<QueryResult.Hit>> found;
        try {
            found = find(w, wanted);
        } catch (RuntimeException e) {
            // A request Qdrant would refuse anyway, e.g. a vector of the wrong size.
            out.complete(w.failing("search failed: " + e.getMessage()));
            return;
        }
        found.whenComplete(
                (hits, error) -> {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (error == null) {
                        out.complete(w.searched(hits, ms));
                    } else if (QdrantErrors.isWorthRepeating(error)) {
                        lastError.set(error);
                        long backoff =
                                Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(n - 1, 10));
                        LOG.debug(
                                "Search for query {} failed (attempt {}), retrying in {} ms: {}",
                                w.queryId(),
                                n,
                                backoff,
                                QdrantErrors.describe(error));
                        try {
                            timer.schedule(
                                    () -> attempt(w, start, out, lastError, attempts),
                                    backoff,
                                    TimeUnit.MILLISECONDS);
                        } catch (java.util.concurrent.RejectedExecutionException closed) {
                            out.complete(w.failing("search failed: the query stage is closing"));
                        }
                    } else {
                        out.complete(
                                w.failing("search failed: " + QdrantErrors.describe(error))
                                        .withSearchMs(ms));
                    }
                });
    }

    /** One search (two for weighted fusion), its hits in rank order, collapsed as configured. */
    private CompletableFuture<List<QueryResult.Hit>> find(QueryWork w, int wanted) {
        SearchRequest r = request(w, wanted);
        if (r.mode() != SearchRequest.Mode.HYBRID || !settings.fusesOnClient()) {
            SearchRequest.Mode mode = r.mode();
            return searcher.search(r)
                    .thenApply(
                            found -> {
                                List<QueryResult.Hit> hits = new ArrayList<>(found.size());
                                for (SearchHit h : found) {
                                    Float s = h.score();
                                    hits.add(
                                            hit(
                                                    h,
                                                    mode == SearchRequest.Mode.DENSE ? s : null,
                                                    mode == SearchRequest.Mode.SPARSE ? s : null));
                                }
                                return finish(hits, wanted);
                            });
        }
        int depth = r.candidateLimit();
        SearchRequest dense = like(r, SearchRequest.dense(w.dense(), depth).withExact(r.exact()));
        SearchRequest sparse = like(r, SearchRequest.sparse(w.sparse(), depth));
        return searcher.search(dense)
                .thenCombine(
                        searcher.search(sparse),
                        (d, s) -> {
                            // Both lists are at hand, so every hit reports both scores.
                            Map<String, Float> denseScores = scores(d);
                            Map<String, Float> sparseScores = scores(s);
                            List<QueryResult.Hit> hits = new ArrayList<>();
                            for (SearchHit h :
                                    WeightedRrf.fuse(
                                            d,
                                            s,
                                            settings.rrfK(),
                                            settings.denseWeight(),
                                            settings.sparseWeight(),
                                            r.limit())) {
                                hits.add(
                                        hit(
                                                h,
                                                denseScores.get(h.pointId()),
                                                sparseScores.get(h.pointId())));
                            }
                            return finish(hits, wanted);
                        });
    }

    private List<QueryResult.Hit> finish(List<QueryResult.Hit> hits, int wanted) {
        return settings.collapse()
                ? collapse(hits, wanted)
                : hits.subList(0, Math.min(wanted, hits.size()));
    }

    private static Map<String, Float> scores(List<SearchHit> hits) {
        Map<String, Float> out = new HashMap<>();
        for (SearchHit h : hits) {
            out.put(h.pointId(), h.score());
        }
        return out;
    }

    private static QueryResult.Hit hit(SearchHit h, Float dense, Float sparse) {
        Map<String, Object> p = h.payload();
        return new QueryResult.Hit(
                h.docId(),
                h.chunk(),
                h.score(),
                dense,
                sparse,
                null,
                p.get("title") instanceof String t ? t : null,
                p.get("text") instanceof String t ? t : null,
                p.get("metadata"));
    }

    /**
     * One hit per document, at its best chunk: {@code hits} come best first, so the first chunk
     * seen of a document is its best. At most {@code wanted} hits.
     */
    public static List<QueryResult.Hit> collapse(List<QueryResult.Hit> hits, int wanted) {
        List<QueryResult.Hit> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (QueryResult.Hit h : hits) {
            if (out.size() == wanted) {
                break;
            }
            if (seen.add(h.docId())) {
                out.add(h);
            }
        }
        return out;
    }

    /** The Qdrant request for an encoded query that wants {@code wanted} hits. */
    public SearchRequest request(QueryWork w, int wanted) {
        Query q = w.query();
        int limit = settings.collapse() ? wanted * COLLAPSE_OVERFETCH : wanted;
        SearchRequest r =
                switch (q.mode()) {
                    case DENSE -> SearchRequest.dense(w.dense(), limit).withExact(settings.exact());
                    case SPARSE -> SearchRequest.sparse(w.sparse(), limit);
                    case HYBRID ->
                            SearchRequest.hybrid(
                                            w.dense(),
                                            w.sparse(),
                                            limit,
                                            Math.max(settings.candidates(), limit))
                                    .withFusion(settings.fusion(), settings.rrfK())
                                    .withExact(settings.exact());
                };
        if (!q.filter().isEmpty()) {
            r = r.withFilter(q.filter());
        }
        if (settings.quantization().mode() == VectorQuantization.Mode.BINARY) {
            r = r.withSearchParams(128, true, 3.0);
        }
        return r.withPayloadFields(PAYLOAD);
    }

    private static SearchRequest like(SearchRequest template, SearchRequest r) {
        if (template.filter() != null && !template.filter().isEmpty()) {
            r = r.withFilter(template.filter());
        }
        if (template.rescore() != null) {
            r = r.withSearchParams(template.hnswEf(), template.rescore(), template.oversampling());
        }
        return r.withPayloadFields(template.payloadFields());
    }

    @Override
    public void close() {
        // Pending retries and deadlines die with the timer; their queries are being cancelled too.
        timer.shutdownNow();
        try {
            searcher.close();
        } finally {
            if (ownedClient != null) {
                ownedClient.close();
            }
        }
    }
}
