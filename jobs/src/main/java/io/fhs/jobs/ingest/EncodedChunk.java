package io.fhs.jobs.ingest;

import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * A chunk with its vectors (sparse ones null when the job has no sparse model), or the reason it
 * could not be encoded: the async encoder has no side output, so a failure travels in the element
 * to a later step that dead-letters it.
 *
 * @param error why encoding this chunk failed, or null
 */
@Internal
public record EncodedChunk(
        ChunkRecord chunk, float[] dense, int[] sparseIndices, float[] sparseValues, String error)
        implements Serializable {

    public EncodedChunk(
            ChunkRecord chunk, float[] dense, int[] sparseIndices, float[] sparseValues) {
        this(chunk, dense, sparseIndices, sparseValues, null);
    }

    public static EncodedChunk failed(ChunkRecord chunk, String error) {
        return new EncodedChunk(chunk, null, null, null, error);
    }

    public boolean isFailed() {
        return error != null;
    }
}
