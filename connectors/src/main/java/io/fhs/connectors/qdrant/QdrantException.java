package io.fhs.connectors.qdrant;

/** A Qdrant operation failed for good: a permanent server error, or retries ran out. */
public class QdrantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QdrantException(String message) {
        super(message);
    }

    public QdrantException(String message, Throwable cause) {
        super(message, cause);
    }
}
