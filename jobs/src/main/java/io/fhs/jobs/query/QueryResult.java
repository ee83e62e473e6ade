package io.fhs.jobs.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What a query yields on the results topic: {@code {"query_id", "hits": [...], "timings_ms": {...},
 * "cached_encoding"?, "error"?}}. A query that failed still yields a result, with {@code error}
 * set.
 *
 * @param encodingCached whether the query's vectors came from the query embedding cache
 */
@PublicEvolving
public record QueryResult(
        String queryId,
        List<Hit> hits,
        Map<String, Long> timingsMs,
        String error,
        boolean encodingCached)
        implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public QueryResult(String queryId, List<Hit> hits, Map<String, Long> timingsMs, String error) {
        this(queryId, hits, timingsMs, error, false);
    }

    /**
     * One ranked hit (with collapsing, a document at its best chunk).
     *
     * @param score the search's score: the fused score for hybrid searches
     * @param denseScore the dense similarity, where the search returned it (dense mode, and hybrid
     *     fused on the client); else null
     * @param sparseScore the sparse score, where the search returned it; else null
     * @param rerankScore the cross-encoder's score when the query was reranked; else null
     */
    public record Hit(
            String docId,
            int chunk,
            float score,
            Float denseScore,
            Float sparseScore,
            Float rerankScore,
            String title,
            String text,
            Object metadata)
            implements Serializable {

        public Hit withRerankScore(float s) {
            return new Hit(docId, chunk, score, denseScore, sparseScore, s, title, text, metadata);
        }

        public Hit withoutText() {
            return new Hit(
                    docId,
                    chunk,
                    score,
                    denseScore,
                    sparseScore,
                    rerankScore,
                    title,
                    null,
                    metadata);
        }
    }

    public static QueryResult failed(String queryId, String error, Map<String, Long> timings) {
        return new QueryResult(queryId, List.of(), timings, error);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("query_id", queryId);
        var hitsNode = root.putArray("hits");
        for (Hit h : hits) {
            ObjectNode n = hitsNode.addObject();
            n.put("doc_id", h.docId());
            n.put("chunk", h.chunk());
            n.put("score", h.score());
            if (h.denseScore() != null) {
                n.put("dense_score", h.denseScore());
            }
            if (h.sparseScore() != null) {
                n.put("sparse_score", h.sparseScore());
            }
            if (h.rerankScore() != null) {
                n.put("rerank_score", h.rerankScore());
            }
            if (h.title() != null) {
                n.put("title", h.title());
            }
            if (h.text() != null) {
                n.put("text", h.text());
            }
            if (h.metadata() != null) {
                n.set("metadata", JSON.valueToTree(h.metadata()));
            }
        }
        ObjectNode timings = root.putObject("timings_ms");
        timingsMs.forEach(timings::put);
        if (encodingCached) {
            root.put("cached_encoding", true);
        }
        if (error != null) {
            root.put("error", error);
        }
        return root.toString();
    }
}
