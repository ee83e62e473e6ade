package io.fhs.operators.quantize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Scalar (int8) quantization as sentence-transformers' {@code quantize_embeddings(...,
 * precision="int8", calibration_embeddings=...)} does it: per dimension, {@code starts} is the
 * calibration minimum and {@code steps} a 255th of the range, and a value becomes {@code ((v -
 * starts) / steps - 128).astype(np.int8)}, all in float32.
 *
 * <p>Memory per vector of dimension d: float32 4·d bytes, uint8/int8 d bytes, binary d/8 bytes (d =
 * 384: 1536, 384 and 48 bytes), plus this calibration once (8·d bytes).
 *
 * <p>Two deliberate differences from sentence-transformers: values outside the calibration range
 * are clamped to [-128, 127] where numpy's cast wraps them around (a value just above the maximum
 * would become -128, the code of the minimum); and a dimension whose step comes out 0 (max == min)
 * gets a step of 1 instead of dividing by zero, so its calibration values map to -128 and anything
 * else to codes near it or clamped.
 */
@PublicEvolving
public record Int8Calibration(float[] starts, float[] steps) implements Serializable {
    private static final long serialVersionUID = 1L;

    // Big decimals so that a float written as its shortest decimal reads back bit-exact, without
    // rounding twice through double.
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public Int8Calibration {
        if (starts == null || steps == null) {
            throw new CalibrationException("starts and steps are both required");
        }
        if (starts.length != steps.length) {
            throw new CalibrationException(
                    "dimension mismatch: starts has "
                            + starts.length
                            + " values but steps has "
                            + steps.length);
        }
        if (starts.length == 0) {
            throw new CalibrationException("starts and steps are empty");
        }
        for (int i = 0; i < starts.length; i++) {
            if (!Float.isFinite(starts[i])) {
                throw new CalibrationException("starts[" + i + "] is not finite: " + starts[i]);
            }
            if (!(steps[i] > 0) || !Float.isFinite(steps[i])) {
                throw new CalibrationException(
                        "steps[" + i + "] must be a positive finite number, got " + steps[i]);
            }
        }
        starts = starts.clone();
        steps = steps.clone();
    }

    /**
     * Per-dimension minimum and range / 255 of the calibration embeddings (sentence-transformers
     * warns below 100 of them; so should callers).
     */
    public static Int8Calibration fit(List<float[]> embeddings) {
        if (embeddings.isEmpty()) {
            throw new IllegalArgumentException("Cannot calibrate on no embeddings");
        }
        int dimension = embeddings.get(0).length;
        float[] min = embeddings.get(0).clone();
        float[] max = embeddings.get(0).clone();
        for (int k = 0; k < embeddings.size(); k++) {
            float[] e = embeddings.get(k);
            if (e.length != dimension) {
                throw new IllegalArgumentException(
                        "Embedding "
                                + k
                                + " has "
                                + e.length
                                + " dimensions, embedding 0 has "
                                + dimension);
            }
            for (int i = 0; i < dimension; i++) {
                if (!Float.isFinite(e[i])) {
                    throw new IllegalArgumentException(
                            "Embedding " + k + " has a non-finite value at " + i + ": " + e[i]);
                }
                min[i] = e[i] < min[i] ? e[i] : min[i];
                max[i] = e[i] > max[i] ? e[i] : max[i];
            }
        }
        float[] steps = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            float step = (max[i] - min[i]) / 255f;
            steps[i] = step > 0 ? step : 1f;
        }
        return new Int8Calibration(min, steps);
    }

    public int dimension() {
        return starts.length;
    }

    @Override
    public float[] starts() {
        return starts.clone();
    }

    @Override
    public float[] steps() {
        return steps.clone();
    }

    /** The int8 codes of {@code v}, each in [-128, 127]. */
    public int[] int8(float[] v) {
        checkDimension(v.length);
        int[] codes = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            // float32 throughout, like numpy on float32 arrays; the int cast truncates toward zero
            // as numpy's astype does.
            float scaled = (v[i] - starts[i]) / steps[i] - 128f;
            if (Float.isNaN(scaled)) {
                throw new IllegalArgumentException("Cannot quantize NaN at dimension " + i);
            }
            codes[i] = Math.max(-128, Math.min(127, (int) scaled));
        }
        return codes;
    }

    /**
     * The int8 codes shifted to 0..255, as floats: Qdrant stores uint8 vectors but takes their
     * values as floats. This is int8 + 128, not sentence-transformers' {@code precision="uint8"},
     * which truncates before shifting and comes out 1 lower for values below the middle of the
     * range.
     */
    public float[] uint8ForQdrant(float[] v) {
        int[] codes = int8(v);
        float[] shifted = new float[codes.length];
        for (int i = 0; i < codes.length; i++) {
            shifted[i] = codes[i] + 128;
        }
        return shifted;
    }

    /** Approximate float values of int8 codes, for rescoring: the low end of each code's step. */
    public float[] dequantize(int[] codes) {
        checkDimension(codes.length);
        float[] values = new float[codes.length];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < -128 || codes[i] > 127) {
                throw new IllegalArgumentException(
                        "Code " + codes[i] + " at dimension " + i + " is not an int8");
            }
            values[i] = starts[i] + (codes[i] + 128) * steps[i];
        }
        return values;
    }

    private void checkDimension(int length) {
        if (length != starts.length) {
            throw new IllegalArgumentException(
                    "Vector has " + length + " dimensions, the calibration " + starts.length);
        }
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("dimension", starts.length);
        ArrayNode startsNode = root.putArray("starts");
        ArrayNode stepsNode = root.putArray("steps");
        for (int i = 0; i < starts.length; i++) {
            startsNode.add(starts[i]);
            stepsNode.add(steps[i]);
        }
        return root.toString();
    }

    public static Int8Calibration fromJson(String json) {
        return parse(json, "int8 calibration JSON");
    }

    public static Int8Calibration read(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new CalibrationException(
                    "Cannot read int8 calibration " + file + ": " + e.getMessage(), e);
        }
        return parse(json, "int8 calibration " + file);
    }

    public void write(Path file) {
        try {
            Files.writeString(file, toJson());
        } catch (IOException e) {
            throw new CalibrationException(
                    "Cannot write int8 calibration " + file + ": " + e.getMessage(), e);
        }
    }

    private static Int8Calibration parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CalibrationException(
                    source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CalibrationException(source + " must be a JSON object");
        }
        try {
            float[] starts = floats(root, "starts");
            float[] steps = floats(root, "steps");
            JsonNode dimension = root.get("dimension");
            if (dimension != null && dimension.asInt(-1) != starts.length) {
                throw new CalibrationException(
                        "\"dimension\" is " + dimension + " but starts has " + starts.length);
            }
            return new Int8Calibration(starts, steps);
        } catch (CalibrationException e) {
            throw new CalibrationException(source + ": " + e.getMessage(), e);
        }
    }

    private static float[] floats(JsonNode root, String field) {
        JsonNode array = root.get(field);
        if (array == null || !array.isArray()) {
            throw new CalibrationException(
                    "\"" + field + "\" must be an array of numbers, got " + array);
        }
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = array.get(i);
            if (!value.isNumber()) {
                throw new CalibrationException(
                        field + "[" + i + "] must be a number, got " + value);
            }
            values[i] = value.decimalValue().floatValue();
        }
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Int8Calibration other
                && Arrays.equals(starts, other.starts)
                && Arrays.equals(steps, other.steps);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(starts) + Arrays.hashCode(steps);
    }

    @Override
    public String toString() {
        return "Int8Calibration[dimension=" + starts.length + "]";
    }
}
