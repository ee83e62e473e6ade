package io.fhs.operators.quantize;

import org.apache.flink.annotation.PublicEvolving;

/** An int8 calibration is inconsistent, or its file is missing or malformed. */
@PublicEvolving
public class CalibrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CalibrationException(String message) {
        super(message);
    }

    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
