package io.fhs.operators.model;

import org.apache.flink.annotation.PublicEvolving;

/** A model directory or model file is missing, malformed or does not fit the requested use. */
@PublicEvolving
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
