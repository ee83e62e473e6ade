package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.MatryoshkaPrefix;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.QdrantErrors;
import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.RetryPolicy;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.SparseValues;
import io.fhs.connectors.qdrant.WeightedRrf;
import io.fhs.jobs.collection.DuplicateOf;
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
import org.apache.flink.annotation.Internal;

/**
 * Searches Qdrant for encoded queries without blocking: dense, sparse, or hybrid with one prefetch
 * per vector and server-side RRF/DBSF (client-side for weighted RRF). Transient failures are
 * retried with backoff until the deadline; the returned future never fails: a search that does not
 * succeed in time completes with an error result. Thread-safe.
 */
@Internal
public final class SearchStage implements AutoCloseable {
    private static final List<String> PAYLOAD =
            List.of("doc_id", "chunk", "title", "text", "metadata");
    // Chunks of one document crowd each other out: where Qdrant cannot group them (fusion here),
    // ask for this many times more, then collapse; and if that still leaves fewer than top_k
    // documents while more chunks exist, ask again DEEPEN times deeper, up to MAX_COLLAPSE_CHUNKS.
    static final int COLLAPSE_OVERFETCH = 3;
    static final int DEEPEN = 4;
    static final int MAX_COLLAPSE_CHUNKS = 4_096;

    private final QuerySettings settings;
    private final QdrantSearcher searcher;
    private final QdrantClient ownedClient;
    private final ScheduledThreadPoolExecutor timer;

    private SearchStage(QuerySettings settings, QdrantClient client, QdrantClient owned) {
        this.settings = settings;
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
        // Retries are bounded by the query deadline, which stops them, not by a count.
        this.searcher =
                new QdrantSearcher(
                        client,
                        settings.collection(),
                        CollectionSpec.DEFAULT_DENSE_NAME,
                        CollectionSpec.DEFAULT_SPARSE_NAME,
                        RetryPolicy.SEARCH.withMaxAttempts(Integer.MAX_VALUE),
                        timer);
    }

    /** A stage with its own Qdrant client, closed with it. */
    public static SearchStage open(QuerySettings settings, QdrantConnection connection) {
        QdrantClient client = connection.open();
        return new SearchStage(settings, client, client);
    }

    /** A stage on a client the caller keeps (and closes). */
    public static SearchStage on(QuerySettings settings, QdrantClient client) {
        return new SearchStage(settings, client, null);
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
        // The searcher retries; the deadline ends its retries and reports the last failure.
        RetryPolicy.Streak failures = new RetryPolicy.Streak();
        ScheduledFuture<?> deadline =
                timer.schedule(
                        () -> out.complete(pastDeadline(w, deadlineMs, failures)),
                        deadlineMs,
                        TimeUnit.MILLISECONDS);
        out.whenComplete(
                (r, e) -> {
                    deadline.cancel(false);
                    failures.stop();
                });
        CompletableFuture<List<QueryResult.Hit>> found;
        try {
            found = find(w, settings.wanted(w.query()), failures);
        } catch (RuntimeException e) {
            // A request Qdrant would refuse anyway, e.g. a vector of the wrong size.
            out.complete(w.failing("search failed: " + e.getMessage()));
            return out;
        }
        found.whenComplete(
                (hits, error) -> {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    out.complete(
                            error == null
                                    ? w.searched(hits, ms)
                                    : w.failing("search failed: " + QdrantErrors.describe(error))
                                            .withSearchMs(ms));
                });
        return out;
    }

    private static QueryWork pastDeadline(
            QueryWork w, long deadlineMs, RetryPolicy.Streak failures) {
        Throwable last = failures.lastFailure();
        return w.failing(
                        "search deadline of "
                                + deadlineMs
                                + " ms exceeded after "
                                + failures.failures()
                                + " failed attempt(s)"
                                + (last == null
                                        ? " (is Qdrant reachable?)"
                                        : "; last error: " + QdrantErrors.describe(last)))
                .withSearchMs(deadlineMs);
    }

    /**
     * One search (two for weighted fusion), its hits in rank order, collapsed as configured. A
     * search collapsed here rather than grouped by Qdrant is repeated deeper while it gives fewer
     * than {@code wanted} documents and Qdrant had more chunks to give, so that a document with
     * many chunks cannot crowd the others out of a fused search either.
     */
    private CompletableFuture<List<QueryResult.Hit>> find(
            QueryWork w, int wanted, RetryPolicy.Streak failures) {
        SearchRequest r = request(w, wanted);
        if (!settings.collapse() || settings.groupsOnServer(r.mode())) {
            return chunks(w, r, failures).thenApply(hits -> finish(hits, wanted));
        }
        return deepening(w, r, wanted, failures);
    }

    private CompletableFuture<List<QueryResult.Hit>> deepening(
            QueryWork w, SearchRequest r, int wanted, RetryPolicy.Streak failures) {
        return chunks(w, r, failures)
                .thenCompose(
                        hits -> {
                            List<QueryResult.Hit> docs = collapse(hits, wanted);
                            int deeper = Math.min(r.limit() * DEEPEN, MAX_COLLAPSE_CHUNKS);
                            if (docs.size() >= wanted
                                    || hits.size() < r.limit()
                                    || deeper <= r.limit()) {
                                return CompletableFuture.completedFuture(docs);
                            }
                            return deepening(w, r.withLimit(deeper), wanted, failures);
                        });
    }

    /** The hits of one request (two for weighted fusion), in rank order, not yet collapsed. */
    private CompletableFuture<List<QueryResult.Hit>> chunks(
            QueryWork w, SearchRequest r, RetryPolicy.Streak failures) {
        if (r.mode() != SearchRequest.Mode.HYBRID || !settings.fusesOnClient()) {
            SearchRequest.Mode mode = r.mode();
            CompletableFuture<List<SearchHit>> search =
                    settings.groupsOnServer(mode)
                            ? searcher.searchGroups(
                                    r, CollectionBootstrap.DOC_ID, settings.groupSize(), failures)
                            : searcher.search(r, failures);
            return search.thenApply(
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
                        return hits;
                    });
        }
        int depth = r.candidateLimit();
        SearchRequest dense = like(r, SearchRequest.dense(w.dense(), depth).withExact(r.exact()));
        SearchRequest sparse = like(r, SearchRequest.sparse(sparse(w), depth));
        return searcher.search(dense, failures)
                .thenCombine(
                        searcher.search(sparse, failures),
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
                            return hits;
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
        // Grouped on the server, a limit counts documents; collapsed here, chunks.
        boolean overfetch = settings.collapse() && !settings.groupsOnServer(q.mode());
        int limit = overfetch ? wanted * COLLAPSE_OVERFETCH : wanted;
        SearchRequest r =
                switch (q.mode()) {
                    case DENSE -> SearchRequest.dense(w.dense(), limit).withExact(settings.exact());
                    case SPARSE -> SearchRequest.sparse(sparse(w), limit);
                    case HYBRID ->
                            SearchRequest.hybrid(
                                            w.dense(),
                                            sparse(w),
                                            limit,
                                            Math.max(settings.candidates(), limit))
                                    .withFusion(settings.fusion(), settings.rrfK())
                                    .withExact(settings.exact());
                };
        if (!q.filter().isEmpty()) {
            r = r.withFilter(q.filter());
        }
        if (settings.mmrApplies(q.mode())) {
            SearchRequest.Mmr m = settings.mmr();
            // MMR picks its hits from its candidates: never fewer than the hits asked for.
            r = r.withMmr(new SearchRequest.Mmr(m.diversity(), Math.max(m.candidates(), limit)));
        }
        if (settings.matryoshkaCandidates() > 0 && q.mode() != SearchRequest.Mode.SPARSE) {
            int depth = q.mode() == SearchRequest.Mode.HYBRID ? r.candidateLimit() : limit;
            r =
                    r.withTwoStage(
                            new SearchRequest.TwoStage(
                                    MatryoshkaPrefix.VECTOR_NAME,
                                    settings.prefixDimension(),
                                    Math.max(settings.matryoshkaCandidates(), depth)));
        }
        if (settings.collapseDuplicates()) {
            r = r.withEmptyFields(List.of(DuplicateOf.FIELD));
        }
        if (settings.quantization().mode() == VectorQuantization.Mode.BINARY) {
            r = r.withSearchParams(128, true, 3.0);
        }
        return r.withPayloadFields(PAYLOAD).withReadConsistency(settings.readConsistency());
    }

    private static SparseValues sparse(QueryWork w) {
        return w.sparseIndices() == null
                ? null
                : new SparseValues(w.sparseIndices(), w.sparseValues());
    }

    private static SearchRequest like(SearchRequest template, SearchRequest r) {
        if (template.filter() != null && !template.filter().isEmpty()) {
            r = r.withFilter(template.filter());
        }
        r = r.withEmptyFields(template.emptyFields());
        if (r.mode() == SearchRequest.Mode.DENSE && template.twoStage() != null) {
            SearchRequest.TwoStage t = template.twoStage();
            r =
                    r.withTwoStage(
                            new SearchRequest.TwoStage(
                                    t.vectorName(),
                                    t.dimension(),
                                    Math.max(t.candidates(), r.limit())));
        }
        if (template.rescore() != null) {
            r = r.withSearchParams(template.hnswEf(), template.rescore(), template.oversampling());
        }
        return r.withPayloadFields(template.payloadFields())
                .withReadConsistency(template.readConsistency());
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
