package io.fhs.jobs.collection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The near-duplicate mark a chunk's payload carries, {@code duplicate_of: {doc_id, chunk, score}}:
 * the earlier-written chunk of another document whose dense embedding is at least as similar
 * (cosine) as the ingest job's {@code ingest.duplicates.threshold}. The ingest job writes it; the
 * query side leaves marked chunks out with {@code query.collapse-duplicates}.
 *
 * @param docId the original's document id
 * @param chunk the original's chunk number
 * @param score the cosine similarity of the two chunks' embeddings
 */
@PublicEvolving
public record DuplicateOf(String docId, int chunk, float score) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The payload field of the mark. */
    public static final String FIELD = "duplicate_of";

    /** The nested key of the original's document id, for filters. */
    public static final String DOC_ID_KEY = FIELD + ".doc_id";

    /** Adds the mark to {@code payload}. */
    public void addTo(ObjectNode payload) {
        ObjectNode mark = payload.putObject(FIELD);
        mark.put("doc_id", docId);
        mark.put("chunk", chunk);
        mark.put("score", score);
    }
}
