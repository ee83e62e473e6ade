package io.fhs.operators.quantize;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * How dense vectors are quantized on the client before they are stored, and how a query vector must
 * be prepared to search them. Memory per stored vector of dimension d (d = 384 in brackets):
 *
 * <ul>
 *   <li>{@link Mode#NONE}: float32, 4·d bytes (1,536).
 *   <li>{@link Mode#INT8}: sentence-transformers' calibrated int8 codes shifted to 0..255 and
 *       stored as Qdrant {@code uint8}, d bytes (384). Queries are quantized with the same ranges;
 *       the collection uses Euclid distance because the per-dimension shift and scale keep
 *       distances' order close to the float order while dot products and cosines are distorted by
 *       the shift.
 *   <li>{@link Mode#BINARY}: the sign bits of {@code ubinary}, stored as ±1 in {@code float16} (2·d
 *       bytes on disk, 768) and indexed by Qdrant's binary quantization (d/8 bytes in RAM, 48).
 *       Queries stay float: the first pass compares bits, the rescoring pass computes {@code query
 *       · (±1)}, which is sentence-transformers' rescoring of binary embeddings. Qdrant truncates
 *       float queries to uint8 for uint8 vectors, so ±1 cannot use the smaller type.
 * </ul>
 */
@PublicEvolving
public final class VectorQuantization implements Serializable {
    private static final long serialVersionUID = 1L;
    // Big decimals keep the calibration's shortest float decimals exact through the nesting.
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The client-side quantization modes. */
    public enum Mode {
        NONE,
        INT8,
        BINARY
    }

    private final Mode mode;
    private final Int8Calibration calibration;

    private VectorQuantization(Mode mode, Int8Calibration calibration) {
        this.mode = mode;
        this.calibration = calibration;
    }

    public static VectorQuantization none() {
        return new VectorQuantization(Mode.NONE, null);
    }

    public static VectorQuantization binary() {
        return new VectorQuantization(Mode.BINARY, null);
    }

    public static VectorQuantization int8(Int8Calibration calibration) {
        return new VectorQuantization(Mode.INT8, Objects.requireNonNull(calibration));
    }

    public Mode mode() {
        return mode;
    }

    /** The calibration of {@link Mode#INT8}, else null. */
    public Int8Calibration calibration() {
        return calibration;
    }

    /** The vector to store for a document embedding. */
    public float[] document(float[] v) {
        return switch (mode) {
            case NONE -> v;
            case INT8 -> calibration.uint8ForQdrant(v);
            case BINARY -> signs(v);
        };
    }

    /** The vector to search with for a query embedding. */
    public float[] query(float[] v) {
        return mode == Mode.INT8 ? calibration.uint8ForQdrant(v) : v;
    }

    /** Bytes a stored vector of {@code dimension} takes (for binary: on disk; d/8 in RAM). */
    public int bytesPerVector(int dimension) {
        return switch (mode) {
            case NONE -> 4 * dimension;
            case INT8 -> dimension;
            case BINARY -> 2 * dimension;
        };
    }

    // +1 where ubinary sets the bit (v > 0), else -1: the unpacked form of the packed bits.
    private static float[] signs(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] > 0 ? 1f : -1f;
        }
        return out;
    }

    /** A JSON form for the collection's metadata: the mode and, for int8, the ranges. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("mode", mode.name().toLowerCase(Locale.ROOT));
        if (calibration != null) {
            try {
                root.set("int8_calibration", JSON.readTree(calibration.toJson()));
            } catch (IOException e) {
                throw new CalibrationException("Cannot write the calibration as JSON", e);
            }
        }
        return root.toString();
    }

    /** Reads {@link #toJson}'s form. */
    public static VectorQuantization fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new CalibrationException("Stored quantization is not valid JSON", e);
        }
        String mode = root.path("mode").asText("");
        switch (mode) {
            case "none":
                return none();
            case "binary":
                return binary();
            case "int8":
                JsonNode calibration = root.get("int8_calibration");
                if (calibration == null) {
                    throw new CalibrationException(
                            "Stored quantization is int8 but has no int8_calibration");
                }
                return int8(Int8Calibration.fromJson(calibration.toString()));
            default:
                throw new CalibrationException(
                        "Stored quantization mode '" + mode + "' is not none, int8 or binary");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorQuantization q
                && q.mode == mode
                && Objects.equals(q.calibration, calibration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, calibration);
    }

    @Override
    public String toString() {
        return mode == Mode.INT8
                ? "int8 (" + calibration.dimension() + " calibrated dimensions)"
                : mode.name().toLowerCase(Locale.ROOT);
    }
}
