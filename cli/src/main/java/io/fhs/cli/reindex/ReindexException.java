package io.fhs.cli.reindex;

/** A reindex cannot start or cannot finish; the alias stays where it was. */
public final class ReindexException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReindexException(String message) {
        super(message);
    }

    public ReindexException(String message, Throwable cause) {
        super(message, cause);
    }
}
