package io.fhs.jobs.sql.qdrant;

import org.apache.flink.annotation.PublicEvolving;

/** A {@code VECTOR_SEARCH} on a {@code qdrant} table that did not get its hits. */
@PublicEvolving
public final class VectorSearchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VectorSearchException(String message) {
        super(message);
    }

    public VectorSearchException(String message, Throwable cause) {
        super(message, cause);
    }
}
