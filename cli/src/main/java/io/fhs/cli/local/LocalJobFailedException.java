package io.fhs.cli.local;

/** A job run by {@link LocalJobRun} failed for good; the message names the cause. */
public final class LocalJobFailedException extends RuntimeException {
    private final int restarts;

    public LocalJobFailedException(String message, int restarts, Throwable cause) {
        super(message, cause);
        this.restarts = restarts;
    }

    /** How often the job restarted before it gave up. */
    public int restarts() {
        return restarts;
    }
}
