package io.fhs.operators.model;

/** A model directory or model file is missing, malformed or does not fit the requested use. */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
