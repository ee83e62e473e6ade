package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.SearchRequest;
import java.io.Serializable;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A parsed query with the defaults applied.
 *
 * @param filter payload field equalities (keyword match) every hit must satisfy
 * @param receivedMillis wall-clock time the job received it, for {@code timings_ms.total}
 */
@PublicEvolving
public record Query(
        String queryId,
        String text,
        int topK,
        Map<String, String> filter,
        SearchRequest.Mode mode,
        boolean rerank,
        long receivedMillis)
        implements Serializable {

    /** A query without a filter, received now. */
    public static Query of(
            String queryId, String text, SearchRequest.Mode mode, int topK, boolean rerank) {
        return new Query(queryId, text, topK, Map.of(), mode, rerank, System.currentTimeMillis());
    }
}
