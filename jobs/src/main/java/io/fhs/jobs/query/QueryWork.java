package io.fhs.jobs.query;

import io.fhs.operators.sparse.SparseVector;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * A query on its way through the operators: what each stage added, or the error that ends it (a
 * failed query still reaches the results topic).
 */
@Internal
public record QueryWork(
        Query query,
        String queryId,
        String error,
        float[] dense,
        int[] sparseIndices,
        float[] sparseValues,
        List<QueryResult.Hit> hits,
        long encodeMs,
        long searchMs,
        long rerankMs,
        long receivedMillis,
        boolean encodingCached)
        implements Serializable {

    public static QueryWork of(Query q) {
        return new QueryWork(
                q, q.queryId(), null, null, null, null, null, 0, 0, 0, q.receivedMillis(), false);
    }

    public static QueryWork invalid(String queryId, String error) {
        return new QueryWork(
                null,
                queryId,
                error,
                null,
                null,
                null,
                null,
                0,
                0,
                0,
                System.currentTimeMillis(),
                false);
    }

    public boolean failed() {
        return error != null;
    }

    public QueryWork failing(String message) {
        return new QueryWork(
                query,
                queryId,
                message,
                dense,
                sparseIndices,
                sparseValues,
                hits,
                encodeMs,
                searchMs,
                rerankMs,
                receivedMillis,
                encodingCached);
    }

    public QueryWork encoded(float[] d, SparseVector s, long ms) {
        return encoded(d, s, ms, false);
    }

    /** The work encoded, its vectors {@code cached} or not. */
    public QueryWork encoded(float[] d, SparseVector s, long ms, boolean cached) {
        return new QueryWork(
                query,
                queryId,
                null,
                d,
                s == null ? null : s.indices(),
                s == null ? null : s.values(),
                null,
                ms,
                0,
                0,
                receivedMillis,
                cached);
    }

    public QueryWork searched(List<QueryResult.Hit> h, long ms) {
        return new QueryWork(
                query,
                queryId,
                null,
                dense,
                sparseIndices,
                sparseValues,
                h,
                encodeMs,
                ms,
                0,
                receivedMillis,
                encodingCached);
    }

    public QueryWork reranked(List<QueryResult.Hit> h, long ms) {
        return new QueryWork(
                query,
                queryId,
                null,
                dense,
                sparseIndices,
                sparseValues,
                h,
                encodeMs,
                searchMs,
                ms,
                receivedMillis,
                encodingCached);
    }

    /** The same work, its search having taken {@code ms}. */
    public QueryWork withSearchMs(long ms) {
        return new QueryWork(
                query,
                queryId,
                error,
                dense,
                sparseIndices,
                sparseValues,
                hits,
                encodeMs,
                ms,
                rerankMs,
                receivedMillis,
                encodingCached);
    }

    public SparseVector sparse() {
        return sparseIndices == null ? null : new SparseVector(sparseIndices, sparseValues);
    }

    /** The result for the results topic. */
    public QueryResult result() {
        Map<String, Long> timings = new LinkedHashMap<>();
        timings.put("encode", encodeMs);
        timings.put("search", searchMs);
        timings.put("rerank", rerankMs);
        timings.put("total", System.currentTimeMillis() - receivedMillis);
        return error != null
                ? QueryResult.failed(queryId, error, timings)
                : new QueryResult(
                        queryId, hits == null ? List.of() : hits, timings, null, encodingCached);
    }
}
