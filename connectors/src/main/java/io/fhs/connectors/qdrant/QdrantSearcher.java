package io.fhs.connectors.qdrant;

import static io.qdrant.client.ConditionFactory.isEmpty;
import static io.qdrant.client.ConditionFactory.matchKeyword;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorInputFactory;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Asynchronous dense, sparse and hybrid search through Qdrant's Query API. Hybrid search sends one
 * prefetch per vector and fuses them on the server with RRF (constant configurable) or DBSF. Never
 * blocks: results complete a {@link CompletableFuture} on the client's threads, and retries wait on
 * a scheduler.
 */
@PublicEvolving
public final class QdrantSearcher implements AutoCloseable {
    private final QdrantClient client;
    private final String collection;
    private final String denseName;
    private final String sparseName;
    private final RetryPolicy retryPolicy;
    private final ScheduledExecutorService retries;
    private final boolean ownsClient;
    private final boolean ownsRetries;

    /** A searcher on a client the caller keeps, retrying on a scheduler of its own. */
    public QdrantSearcher(
            QdrantClient client, String collection, String denseName, String sparseName) {
        this(
                client,
                collection,
                denseName,
                sparseName,
                RetryPolicy.SEARCH,
                QdrantFutures.scheduler("qdrant-search-retry"),
                false,
                true);
    }

    /**
     * A searcher on a client the caller keeps, retrying under {@code retryPolicy} on {@code
     * retries}, a scheduler the caller owns (and shuts down).
     */
    public QdrantSearcher(
            QdrantClient client,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy,
            ScheduledExecutorService retries) {
        this(client, collection, denseName, sparseName, retryPolicy, retries, false, false);
    }

    private QdrantSearcher(
            QdrantClient client,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy,
            ScheduledExecutorService retries,
            boolean ownsClient,
            boolean ownsRetries) {
        this.client = client;
        this.collection = collection;
        this.denseName = denseName;
        this.sparseName = sparseName;
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.ownsClient = ownsClient;
        this.ownsRetries = ownsRetries;
    }

    /** A searcher with its own client and retry scheduler, closed with it. */
    public static QdrantSearcher open(QdrantConnection connection, CollectionSpec spec) {
        return new QdrantSearcher(
                connection.open(),
                spec.name(),
                spec.denseName(),
                spec.sparseName(),
                RetryPolicy.SEARCH,
                QdrantFutures.scheduler("qdrant-search-retry"),
                true,
                true);
    }

    /**
     * Runs a search. What {@link QdrantErrors} deems worth repeating (server unavailable, dropped
     * streams) is retried under the searcher's {@link RetryPolicy}; anything else fails at once
     * with Qdrant's message.
     */
    public CompletableFuture<List<SearchHit>> search(SearchRequest request) {
        return search(request, new RetryPolicy.Streak());
    }

    /**
     * As {@link #search(SearchRequest)}, counting failures in {@code streak}: a caller with its own
     * deadline reads the last failure from it, and stops it once it has answered.
     */
    public CompletableFuture<List<SearchHit>> search(
            SearchRequest request, RetryPolicy.Streak streak) {
        Points.QueryPoints query = query(request);
        return retryPolicy.retry(
                "searching " + collection,
                () ->
                        QdrantFutures.toCompletable(client.queryAsync(query))
                                .thenApply(QdrantSearcher::hits),
                retries,
                streak);
    }

    /**
     * Runs a search whose hits Qdrant groups by the payload field {@code groupBy} (a keyword
     * index): {@code request.limit()} groups, best group first, each with its best {@code
     * groupSize} hits, returned one group after the other. A document with many matching chunks
     * thus takes one place, not many. Prefetches and fusion work as in {@link #search}; retried as
     * it is.
     */
    public CompletableFuture<List<SearchHit>> searchGroups(
            SearchRequest request, String groupBy, int groupSize, RetryPolicy.Streak streak) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("groupSize must be >= 1, got " + groupSize);
        }
        Points.QueryPointGroups query = groups(query(request), groupBy, groupSize);
        return retryPolicy.retry(
                "searching " + collection + " grouped by " + groupBy,
                () ->
                        QdrantFutures.toCompletable(client.queryGroupsAsync(query))
                                .thenApply(QdrantSearcher::groupHits),
                retries,
                streak);
    }

    /** The grouped form of {@code q}: the same prefetches, query, filter and parameters. */
    static Points.QueryPointGroups groups(Points.QueryPoints q, String groupBy, int groupSize) {
        Points.QueryPointGroups.Builder g =
                Points.QueryPointGroups.newBuilder()
                        .setCollectionName(q.getCollectionName())
                        .addAllPrefetch(q.getPrefetchList())
                        .setLimit(q.getLimit())
                        .setGroupBy(groupBy)
                        .setGroupSize(groupSize)
                        .setWithPayload(q.getWithPayload());
        if (q.hasQuery()) {
            g.setQuery(q.getQuery());
        }
        if (q.hasUsing()) {
            g.setUsing(q.getUsing());
        }
        if (q.hasFilter()) {
            g.setFilter(q.getFilter());
        }
        if (q.hasParams()) {
            g.setParams(q.getParams());
        }
        if (q.hasReadConsistency()) {
            g.setReadConsistency(q.getReadConsistency());
        }
        return g.build();
    }

    private static List<SearchHit> groupHits(List<Points.PointGroup> groups) {
        List<SearchHit> hits = new ArrayList<>();
        for (Points.PointGroup group : groups) {
            hits.addAll(hits(group.getHitsList()));
        }
        return hits;
    }

    Points.QueryPoints query(SearchRequest r) {
        Points.QueryPoints.Builder q =
                Points.QueryPoints.newBuilder().setCollectionName(collection).setLimit(r.limit());
        Common.Filter filter = filter(r);
        Points.SearchParams params = params(r);
        switch (r.mode()) {
            case DENSE -> {
                q.setQuery(denseQuery(r)).setUsing(denseName).setParams(params);
                if (filter != null) {
                    q.setFilter(filter);
                }
                if (r.twoStage() != null) {
                    q.addPrefetch(prefixPrefetch(r, params, filter));
                }
            }
            case SPARSE -> {
                q.setQuery(sparseQuery(r)).setUsing(sparseName).setParams(params);
                if (filter != null) {
                    q.setFilter(filter);
                }
            }
            case HYBRID -> {
                Points.PrefetchQuery.Builder dense =
                        Points.PrefetchQuery.newBuilder()
                                .setQuery(QueryFactory.nearest(r.dense()))
                                .setUsing(denseName)
                                .setLimit(r.candidateLimit())
                                .setParams(params);
                if (r.twoStage() != null) {
                    // The dense list itself in two stages: prefix prefetch, full-vector rescoring.
                    dense.addPrefetch(prefixPrefetch(r, params, filter));
                }
                Points.PrefetchQuery.Builder sparse =
                        Points.PrefetchQuery.newBuilder()
                                .setQuery(sparseQuery(r))
                                .setUsing(sparseName)
                                .setLimit(r.candidateLimit());
                if (filter != null) {
                    dense.setFilter(filter);
                    sparse.setFilter(filter);
                }
                q.addPrefetch(dense).addPrefetch(sparse);
                // Qdrant ranks from 0 (score 1/(k + rank0)); we define RRF with ranks from 1, as
                // the literature and trec_eval-style tools do, so the server gets k + 1.
                q.setQuery(
                        r.fusion() == SearchRequest.Fusion.RRF
                                ? QueryFactory.rrf(
                                        Points.Rrf.newBuilder().setK(r.rrfK() + 1).build())
                                : QueryFactory.fusion(Points.Fusion.DBSF));
            }
        }
        q.setWithPayload(
                r.payloadFields() == null
                        ? WithPayloadSelectorFactory.enable(true)
                        : r.payloadFields().isEmpty()
                                ? WithPayloadSelectorFactory.enable(false)
                                : WithPayloadSelectorFactory.include(r.payloadFields()));
        if (r.readConsistency() != null) {
            q.setReadConsistency(r.readConsistency().toGrpc());
        }
        return q.build();
    }

    /** Nearest neighbours of the dense vector, picked by MMR where the request asks for it. */
    private static Points.Query denseQuery(SearchRequest r) {
        if (r.mmr() == null) {
            return QueryFactory.nearest(r.dense());
        }
        return QueryFactory.nearest(
                VectorInputFactory.vectorInput(r.dense()),
                Points.Mmr.newBuilder()
                        .setDiversity((float) r.mmr().diversity())
                        .setCandidatesLimit(r.mmr().candidates())
                        .build());
    }

    /** The first stage of a two-stage search: candidates by the Matryoshka prefix vector. */
    private static Points.PrefetchQuery.Builder prefixPrefetch(
            SearchRequest r, Points.SearchParams params, Common.Filter filter) {
        SearchRequest.TwoStage t = r.twoStage();
        Points.PrefetchQuery.Builder p =
                Points.PrefetchQuery.newBuilder()
                        .setQuery(
                                QueryFactory.nearest(MatryoshkaPrefix.of(r.dense(), t.dimension())))
                        .setUsing(t.vectorName())
                        .setLimit(t.candidates())
                        .setParams(params);
        if (filter != null) {
            p.setFilter(filter);
        }
        return p;
    }

    private static Points.Query sparseQuery(SearchRequest r) {
        List<Float> values = new ArrayList<>(r.sparse().size());
        List<Integer> indices = new ArrayList<>(r.sparse().size());
        for (int i = 0; i < r.sparse().size(); i++) {
            values.add(r.sparse().values()[i]);
            indices.add(r.sparse().indices()[i]);
        }
        return QueryFactory.nearest(values, indices);
    }

    private static Common.Filter filter(SearchRequest r) {
        if (r.filter().isEmpty() && r.emptyFields().isEmpty()) {
            return null;
        }
        Common.Filter.Builder f = Common.Filter.newBuilder();
        r.filter().forEach((field, value) -> f.addMust(matchKeyword(field, value)));
        r.emptyFields().forEach(field -> f.addMust(isEmpty(field)));
        return f.build();
    }

    private static Points.SearchParams params(SearchRequest r) {
        Points.SearchParams.Builder p = Points.SearchParams.newBuilder().setExact(r.exact());
        if (r.hnswEf() > 0) {
            p.setHnswEf(r.hnswEf());
        }
        if (r.rescore() != null || r.oversampling() > 0) {
            Points.QuantizationSearchParams.Builder qp =
                    Points.QuantizationSearchParams.newBuilder();
            if (r.rescore() != null) {
                qp.setRescore(r.rescore());
            }
            if (r.oversampling() > 0) {
                qp.setOversampling(r.oversampling());
            }
            p.setQuantization(qp);
        }
        return p.build();
    }

    private static List<SearchHit> hits(List<Points.ScoredPoint> points) {
        List<SearchHit> hits = new ArrayList<>(points.size());
        for (Points.ScoredPoint p : points) {
            hits.add(new SearchHit(id(p.getId()), p.getScore(), payload(p.getPayloadMap())));
        }
        return hits;
    }

    static String id(Common.PointId id) {
        return id.hasUuid() ? id.getUuid() : Long.toString(id.getNum());
    }

    static Map<String, Object> payload(Map<String, Value> payload) {
        Map<String, Object> out = new LinkedHashMap<>();
        payload.forEach((k, v) -> out.put(k, javaValue(v)));
        return out;
    }

    static Object javaValue(Value v) {
        switch (v.getKindCase()) {
            case STRING_VALUE:
                return v.getStringValue();
            case INTEGER_VALUE:
                return v.getIntegerValue();
            case DOUBLE_VALUE:
                return v.getDoubleValue();
            case BOOL_VALUE:
                return v.getBoolValue();
            case LIST_VALUE:
                List<Object> list = new ArrayList<>();
                v.getListValue().getValuesList().forEach(x -> list.add(javaValue(x)));
                return list;
            case STRUCT_VALUE:
                return payload(v.getStructValue().getFieldsMap());
            default:
                return null;
        }
    }

    /**
     * For each of {@code vectors}, its nearest point by the dense vector among the points whose
     * payload does not match the vector's {@code excluded} keywords (field to value; e.g. its own
     * {@code doc_id}), or null where no point qualifies: one batch request for them all, retried as
     * {@link #search} is. Hits carry the {@code payloadFields} asked for.
     */
    public CompletableFuture<List<SearchHit>> nearestEach(
            List<float[]> vectors,
            List<Map<String, String>> excluded,
            List<String> payloadFields,
            RetryPolicy.Streak streak) {
        if (vectors.size() != excluded.size()) {
            throw new IllegalArgumentException(
                    vectors.size() + " vectors but " + excluded.size() + " exclusions");
        }
        List<Points.QueryPoints> queries = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            Common.Filter.Builder f = Common.Filter.newBuilder();
            excluded.get(i).forEach((field, value) -> f.addMustNot(matchKeyword(field, value)));
            queries.add(
                    Points.QueryPoints.newBuilder()
                            .setCollectionName(collection)
                            .setQuery(QueryFactory.nearest(vectors.get(i)))
                            .setUsing(denseName)
                            .setFilter(f)
                            .setLimit(1)
                            .setWithPayload(WithPayloadSelectorFactory.include(payloadFields))
                            .build());
        }
        return retryPolicy.retry(
                "finding nearest points in " + collection,
                () ->
                        QdrantFutures.toCompletable(client.queryBatchAsync(collection, queries))
                                .thenApply(QdrantSearcher::nearest),
                retries,
                streak);
    }

    private static List<SearchHit> nearest(List<Points.BatchResult> results) {
        List<SearchHit> out = new ArrayList<>(results.size());
        for (Points.BatchResult r : results) {
            List<SearchHit> hits = hits(r.getResultList());
            out.add(hits.isEmpty() ? null : hits.get(0));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            if (ownsRetries) {
                retries.shutdownNow();
            }
        } finally {
            if (ownsClient) {
                client.close();
            }
        }
    }
}
