package io.fhs.cli.drill;

/** A step of the fault drill that failed: a script, a service that did not come back, a job. */
public final class DrillException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DrillException(String message) {
        super(message);
    }

    public DrillException(String message, Throwable cause) {
        super(message, cause);
    }
}
