package io.fhs.cli.serve;

/**
 * A request the API answers with an error status and {@code {"error": message}}: a bad parameter
 * (400, the message names it), an unreachable Qdrant or a full queue (503).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message, null);
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }
}
