package io.fhs.cli.serve;

/** The search server could not start: its address is taken, or a page file is missing. */
public final class ServeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServeException(String message, Throwable cause) {
        super(message, cause);
    }
}
