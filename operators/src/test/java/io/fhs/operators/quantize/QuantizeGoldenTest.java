package io.fhs.operators.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Matches sentence-transformers' quantize_embeddings bit for bit, on the golden outputs of
 * src/test/python/quantize_golden.py.
 */
class QuantizeGoldenTest {
    static JsonNode golden;
    static List<float[]> embeddings;
    static Int8Calibration calibration;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in =
                QuantizeGoldenTest.class.getResourceAsStream("/quantize-golden.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        embeddings = rows(golden.get("embeddings"));
        calibration = Int8Calibration.fit(rows(golden.get("calibration")));
    }

    static List<float[]> rows(JsonNode matrix) {
        List<float[]> rows = new ArrayList<>();
        for (JsonNode row : matrix) {
            rows.add(floats(row));
        }
        return rows;
    }

    static float[] floats(JsonNode row) {
        float[] v = new float[row.size()];
        for (int i = 0; i < v.length; i++) {
            // The script writes each float32 as the double it widens to: this is exact.
            v[i] = (float) row.get(i).doubleValue();
        }
        return v;
    }

    static int[] ints(JsonNode row) {
        int[] v = new int[row.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = row.get(i).intValue();
        }
        return v;
    }

    static byte[] bytes(JsonNode row) {
        byte[] v = new byte[row.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) row.get(i).intValue();
        }
        return v;
    }

    @Test
    void calibrationHasTheSameStartsAndSteps() {
        float[] starts = floats(golden.get("starts"));
        float[] steps = floats(golden.get("steps"));
        assertThat(calibration.dimension()).isEqualTo(16);
        for (int i = 0; i < 16; i++) {
            assertThat(relativeError(calibration.starts()[i], starts[i])).isLessThan(1e-7);
            assertThat(relativeError(calibration.steps()[i], steps[i])).isLessThan(1e-7);
        }
        // The same float32 operations in the same order: in fact bit-identical.
        assertThat(calibration.starts()).containsExactly(starts);
        assertThat(calibration.steps()).containsExactly(steps);
    }

    static double relativeError(float actual, float expected) {
        return Math.abs((double) actual - expected) / Math.abs((double) expected);
    }

    @Test
    void int8CodesAreIdenticalForEveryInRangeVector() {
        JsonNode expected = golden.get("int8");
        assertThat(embeddings).hasSize(expected.size()).hasSizeGreaterThan(20);
        for (int k = 0; k < embeddings.size(); k++) {
            assertThat(calibration.int8(embeddings.get(k)))
                    .as("row %d", k)
                    .containsExactly(ints(expected.get(k)));
        }
    }

    @Test
    void qdrantUint8IsInt8Plus128AndAtMostOneAboveStUint8() {
        JsonNode int8 = golden.get("int8");
        JsonNode stUint8 = golden.get("uint8");
        int above = 0;
        for (int k = 0; k < embeddings.size(); k++) {
            float[] shifted = calibration.uint8ForQdrant(embeddings.get(k));
            int[] codes = ints(int8.get(k));
            int[] st = ints(stUint8.get(k));
            for (int i = 0; i < shifted.length; i++) {
                assertThat(shifted[i]).isEqualTo(codes[i] + 128f);
                assertThat((int) shifted[i]).isBetween(st[i], st[i] + 1);
                above += (int) shifted[i] - st[i];
            }
        }
        // The documented difference is real: truncating before or after the shift differs.
        assertThat(above).isPositive();
    }

    @Test
    void binaryAndUbinaryBytesAreIdentical() {
        for (int k = 0; k < embeddings.size(); k++) {
            float[] v = embeddings.get(k);
            assertThat(BinaryQuantizer.ubinary(v))
                    .as("row %d", k)
                    .containsExactly(bytes(golden.get("ubinary").get(k)));
            assertThat(BinaryQuantizer.binary(v))
                    .as("row %d", k)
                    .containsExactly(bytes(golden.get("binary").get(k)));
        }
    }

    @Test
    void aDimensionNotAMultipleOf8PadsTheLastByteWithZeros() {
        List<float[]> odd = rows(golden.get("odd").get("embeddings"));
        JsonNode expected = golden.get("odd").get("ubinary");
        for (int k = 0; k < odd.size(); k++) {
            byte[] packed = BinaryQuantizer.ubinary(odd.get(k));
            assertThat(packed).hasSize(2).containsExactly(bytes(expected.get(k)));
            assertThat(packed[1] & 0x0f).isZero();
        }
    }
}
