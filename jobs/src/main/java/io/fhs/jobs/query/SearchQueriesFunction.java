package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.QdrantErrors;
import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Searches Qdrant without blocking the task thread. Failures that outlast the searcher's retries,
 * and searches that outlast the deadline, become error results rather than job failures.
 */
public final class SearchQueriesFunction extends RichAsyncFunction<QueryWork, QueryWork> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SearchQueriesFunction.class);

    /** How the searches are shaped; everything but the query itself. */
    public record Plan(
            String collection,
            int candidates,
            SearchRequest.Fusion fusion,
            int rrfK,
            boolean collapse,
            int rerankTopN,
            VectorQuantization.Mode quantization,
            Duration deadline,
            double denseWeight,
            double sparseWeight)
            implements Serializable {

        /** The plan the query options describe, for a collection quantized as {@code mode}. */
        public static Plan from(
                org.apache.flink.configuration.Configuration conf, VectorQuantization.Mode mode) {
            return new Plan(
                    conf.get(io.fhs.jobs.ingest.IngestOptions.COLLECTION),
                    conf.get(QueryOptions.CANDIDATES),
                    conf.get(QueryOptions.FUSION),
                    conf.get(QueryOptions.RRF_K),
                    conf.get(QueryOptions.COLLAPSE),
                    conf.get(QueryOptions.RERANK_TOP_N),
                    mode,
                    conf.get(QueryOptions.DEADLINE),
                    conf.get(QueryOptions.DENSE_WEIGHT),
                    conf.get(QueryOptions.SPARSE_WEIGHT));
        }

        /** Weights other than 1 and 1 need client-side fusion: Qdrant's RRF takes none. */
        public boolean weighted() {
            return denseWeight != 1.0 || sparseWeight != 1.0;
        }

        /** Searches {@code w}: one request, or for weighted hybrid fusion two, fused here. */
        public java.util.concurrent.CompletableFuture<List<SearchHit>> search(
                QdrantSearcher searcher, QueryWork w, int wanted) {
            SearchRequest r = request(w, wanted);
            if (w.query().mode() != SearchRequest.Mode.HYBRID || !weighted()) {
                return searcher.search(r);
            }
            int depth = r.candidateLimit();
            SearchRequest dense = like(r, SearchRequest.dense(w.dense(), depth));
            SearchRequest sparse = like(r, SearchRequest.sparse(w.sparse(), depth));
            return searcher.search(dense)
                    .thenCombine(
                            searcher.search(sparse),
                            (d, sp) ->
                                    io.fhs.connectors.qdrant.WeightedRrf.fuse(
                                            d, sp, rrfK, denseWeight, sparseWeight, r.limit()));
        }

        private SearchRequest like(SearchRequest template, SearchRequest r) {
            if (template.filter() != null && !template.filter().isEmpty()) {
                r = r.withFilter(template.filter());
            }
            if (template.rescore() != null) {
                r =
                        r.withSearchParams(
                                template.hnswEf(), template.rescore(), template.oversampling());
            }
            return r.withPayloadFields(template.payloadFields());
        }

        /** The Qdrant request for an encoded query that wants {@code wanted} hits. */
        public SearchRequest request(QueryWork w, int wanted) {
            Query q = w.query();
            // Chunks of one document crowd each other out: ask for more, collapse to documents.
            int limit = collapse() ? wanted * 3 : wanted;
            SearchRequest r =
                    switch (q.mode()) {
                        case DENSE -> SearchRequest.dense(w.dense(), limit);
                        case SPARSE -> SearchRequest.sparse(w.sparse(), limit);
                        case HYBRID ->
                                SearchRequest.hybrid(
                                                w.dense(),
                                                w.sparse(),
                                                limit,
                                                Math.max(candidates(), limit))
                                        .withFusion(fusion(), rrfK());
                    };
            if (!q.filter().isEmpty()) {
                r = r.withFilter(q.filter());
            }
            if (quantization() == VectorQuantization.Mode.BINARY) {
                r = r.withSearchParams(128, true, 3.0);
            }
            return r.withPayloadFields(List.of("doc_id", "chunk", "title", "text", "metadata"));
        }

        /** Hits in rank order; with collapsing, one per document at its best chunk's rank. */
        public List<QueryResult.Hit> hits(List<SearchHit> found, int wanted) {
            List<QueryResult.Hit> out = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (SearchHit h : found) {
                if (collapse() && !seen.add(h.docId())) {
                    continue;
                }
                Map<String, Object> p = h.payload();
                out.add(
                        new QueryResult.Hit(
                                h.docId(),
                                h.chunk(),
                                h.score(),
                                null,
                                (String) p.get("title"),
                                (String) p.get("text"),
                                p.get("metadata")));
                if (out.size() == wanted) {
                    break;
                }
            }
            return out;
        }
    }

    private final QdrantConnection connection;
    private final Plan plan;

    private transient QdrantClient client;
    private transient QdrantSearcher searcher;

    public SearchQueriesFunction(QdrantConnection connection, Plan plan) {
        this.connection = connection;
        this.plan = plan;
    }

    @Override
    public void open(OpenContext context) {
        client = connection.open();
        searcher =
                new QdrantSearcher(
                        client,
                        plan.collection(),
                        CollectionSpec.DEFAULT_DENSE_NAME,
                        CollectionSpec.DEFAULT_SPARSE_NAME);
    }

    @Override
    public void asyncInvoke(QueryWork w, ResultFuture<QueryWork> out) {
        if (w.failed()) {
            out.complete(List.of(w));
            return;
        }
        long start = System.nanoTime();
        int wanted = Math.max(w.query().topK(), w.query().rerank() ? plan.rerankTopN() : 0);
        plan.search(searcher, w, wanted)
                .whenComplete(
                        (hits, error) -> {
                            long ms = (System.nanoTime() - start) / 1_000_000;
                            if (error != null) {
                                out.complete(
                                        List.of(
                                                w.failing(
                                                        "search failed: "
                                                                + QdrantErrors.describe(error))));
                            } else {
                                out.complete(List.of(w.searched(plan.hits(hits, wanted), ms)));
                            }
                        });
    }

    @Override
    public void timeout(QueryWork w, ResultFuture<QueryWork> out) {
        LOG.warn("Query {} outlasted the search deadline of {}", w.queryId(), plan.deadline());
        out.complete(
                List.of(
                        w.failing(
                                "search deadline of "
                                        + plan.deadline().toMillis()
                                        + " ms exceeded (is Qdrant reachable?)")));
    }

    @Override
    public void close() {
        // Null-safe and non-throwing: a throwing close takes the TaskManager down.
        try {
            if (searcher != null) {
                searcher.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the Qdrant searcher failed", e);
        }
        try {
            if (client != null) {
                client.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the Qdrant client failed", e);
        }
    }
}
