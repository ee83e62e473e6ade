package io.fhs.jobs.ingest;

import java.io.Serializable;

/**
 * One chunk of a document to encode and write, or a document deletion passing through the pipeline
 * in order (so a delete can never overtake the upsert before it).
 *
 * @param chunkCount chunks of this version of the document
 * @param encodeText what the encoders see: the title (if any), a space, and the chunk's text
 * @param payloadJson the point payload (title, metadata, offsets, text)
 */
public record ChunkRecord(
        String docId,
        boolean delete,
        int chunk,
        int chunkCount,
        String encodeText,
        String payloadJson,
        long appendTime,
        boolean replacesExisting)
        implements Serializable {

    public static ChunkRecord deletion(String docId, long appendTime) {
        return new ChunkRecord(docId, true, -1, 0, null, null, appendTime, true);
    }
}
