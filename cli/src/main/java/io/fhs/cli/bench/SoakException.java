package io.fhs.cli.bench;

/** A soak that could not run, or could not take its measurements. */
public final class SoakException extends RuntimeException {
    public SoakException(String message) {
        super(message);
    }

    public SoakException(String message, Throwable cause) {
        super(message, cause);
    }
}
