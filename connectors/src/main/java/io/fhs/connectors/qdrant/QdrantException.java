package io.fhs.connectors.qdrant;

import org.apache.flink.annotation.PublicEvolving;

/** A Qdrant operation failed for good: a permanent server error, or retries ran out. */
@PublicEvolving
public class QdrantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QdrantException(String message) {
        super(message);
    }

    public QdrantException(String message, Throwable cause) {
        super(message, cause);
    }
}
