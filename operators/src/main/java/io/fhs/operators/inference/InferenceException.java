package io.fhs.operators.inference;

import org.apache.flink.annotation.PublicEvolving;

/** Running a model failed (ONNX Runtime or tokenizer error) for a reason other than its files. */
@PublicEvolving
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }

    public InferenceException(String message) {
        super(message);
    }
}
