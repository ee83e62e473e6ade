package io.fhs.connectors.testing;

import java.io.IOException;

/** A child process of a test that did not start, did not finish in time, or failed. */
public final class ChildProcessException extends IOException {
    public ChildProcessException(String message) {
        super(message);
    }

    public ChildProcessException(String message, Throwable cause) {
        super(message, cause);
    }
}
