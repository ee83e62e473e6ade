package io.fhs.operators.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Int8CalibrationTest {
    /** Dimension 0 spans [-1, 1.55], dimension 1 [0, 255] (step exactly 1). */
    static final Int8Calibration SIMPLE =
            Int8Calibration.fit(List.of(new float[] {-1f, 0f}, new float[] {1.55f, 255f}));

    static List<float[]> randomEmbeddings(int count, int dimension, long seed) {
        Random random = new Random(seed);
        List<float[]> embeddings = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            float[] v = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                v[i] = (float) (random.nextGaussian() * Math.pow(10, i % 7 - 4));
            }
            embeddings.add(v);
        }
        return embeddings;
    }

    @Test
    void theCalibrationRangeMapsOntoTheWholeInt8Range() {
        assertThat(SIMPLE.starts()).containsExactly(-1f, 0f);
        assertThat(SIMPLE.steps()).containsExactly(2.55f / 255f, 1f);
        assertThat(SIMPLE.int8(new float[] {-1f, 0f})).containsExactly(-128, -128);
        assertThat(SIMPLE.int8(new float[] {1.55f, 255f})).containsExactly(127, 127);
        // 127.5 - 128 = -0.5 truncates toward zero, as numpy's astype does.
        assertThat(SIMPLE.int8(new float[] {0f, 127.5f})).containsExactly(-28, 0);
        assertThat(SIMPLE.int8(new float[] {0f, 128.5f})).containsExactly(-28, 0);
        assertThat(SIMPLE.int8(new float[] {0f, 129.5f})).containsExactly(-28, 1);
        assertThat(SIMPLE.uint8ForQdrant(new float[] {-1f, 129.5f})).containsExactly(0f, 129f);
    }

    @Test
    void valuesOutsideTheRangeClampWhereNumpyWouldWrapAround() {
        // numpy: 256 - 128 = 128 wraps to -128, the code of the minimum.
        assertThat(SIMPLE.int8(new float[] {1.58f, 256f})).containsExactly(127, 127);
        assertThat(SIMPLE.int8(new float[] {1e30f, Float.POSITIVE_INFINITY}))
                .containsExactly(127, 127);
        assertThat(SIMPLE.int8(new float[] {-1.02f, -1.5f})).containsExactly(-128, -128);
        assertThat(SIMPLE.int8(new float[] {-1e30f, Float.NEGATIVE_INFINITY}))
                .containsExactly(-128, -128);
        assertThat(SIMPLE.uint8ForQdrant(new float[] {-7f, 300f})).containsExactly(0f, 255f);
        assertThatThrownBy(() -> SIMPLE.int8(new float[] {0f, Float.NaN}))
                .hasMessage("Cannot quantize NaN at dimension 1");
    }

    @Test
    void aConstantDimensionGetsAStepOfOneInsteadOfDividingByZero() {
        Int8Calibration c =
                Int8Calibration.fit(
                        List.of(
                                new float[] {0.5f, -1f},
                                new float[] {0.5f, 1f},
                                new float[] {0.5f, 0f}));
        assertThat(c.starts()).containsExactly(0.5f, -1f);
        assertThat(c.steps()).containsExactly(1f, 2f / 255f);
        assertThat(c.int8(new float[] {0.5f, -1f})).containsExactly(-128, -128);
        // 2 / (2 / 255) is 254.99998 in float32: numpy's maximum becomes 126 as well.
        assertThat(c.int8(new float[] {4.2f, 1f})).containsExactly(-124, 126);
        assertThat(c.int8(new float[] {-3f, 0f})).containsExactly(-128, 0);
    }

    @Test
    void dequantizedValuesLieWithinOneStepOfTheOriginals() {
        List<float[]> embeddings = randomEmbeddings(200, 24, 7);
        Int8Calibration c = Int8Calibration.fit(embeddings);
        float[] steps = c.steps();
        for (float[] v : embeddings) {
            float[] back = c.dequantize(c.int8(v));
            for (int i = 0; i < v.length; i++) {
                assertThat(Math.abs(back[i] - v[i])).isLessThanOrEqualTo(steps[i] * 1.0001f);
            }
        }
        assertThat(SIMPLE.dequantize(new int[] {-128, 127})).containsExactly(-1f, 255f);
        assertThatThrownBy(() -> SIMPLE.dequantize(new int[] {0, 128}))
                .hasMessage("Code 128 at dimension 1 is not an int8");
    }

    @Test
    void jsonAndSerializationRoundTripBitExactly(@TempDir Path tmp) throws Exception {
        List<float[]> embeddings = randomEmbeddings(50, 384, 11);
        embeddings.add(new float[384]);
        embeddings.get(0)[5] = Float.MIN_VALUE;
        embeddings.get(1)[6] = -3.4e38f;
        Int8Calibration c = Int8Calibration.fit(embeddings);

        Int8Calibration fromJson = Int8Calibration.fromJson(c.toJson());
        assertThat(fromJson).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(fromJson.starts()).containsExactly(c.starts());
        assertThat(fromJson.steps()).containsExactly(c.steps());
        assertThat(c.toJson()).startsWith("{\"dimension\":384,\"starts\":[");

        Path file = tmp.resolve("calibration.json");
        c.write(file);
        assertThat(Int8Calibration.read(file)).isEqualTo(c);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(c);
        }
    }

    @Test
    void theCalibrationCannotBeChangedThroughItsArrays() {
        float[] starts = {0f, 1f};
        Int8Calibration c = new Int8Calibration(starts, new float[] {1f, 1f});
        starts[0] = 9f;
        c.starts()[1] = 9f;
        assertThat(c.starts()).containsExactly(0f, 1f);
    }

    @Test
    void calibrationFileErrorsNameTheFileAndTheProblem(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("calibration.json");
        Files.writeString(file, "{\"starts\": [0, 1, 2], \"steps\": [0.1, 0.1]}");
        assertThatThrownBy(() -> Int8Calibration.read(file))
                .isInstanceOf(CalibrationException.class)
                .hasMessage(
                        "int8 calibration "
                                + file
                                + ": dimension mismatch: starts has 3 values but steps has 2");

        Files.writeString(file, "{\"dimension\": 3, \"starts\": [0, 1], \"steps\": [1, 1]}");
        assertThatThrownBy(() -> Int8Calibration.read(file))
                .hasMessage("int8 calibration " + file + ": \"dimension\" is 3 but starts has 2");

        Files.writeString(file, "{\"starts\": [0, 1], \"steps\": [1, -0.5]}");
        assertThatThrownBy(() -> Int8Calibration.read(file))
                .hasMessage(
                        "int8 calibration "
                                + file
                                + ": steps[1] must be a positive finite number, got -0.5");

        Files.writeString(file, "{\"starts\": [0, \"x\"], \"steps\": [1, 1]}");
        assertThatThrownBy(() -> Int8Calibration.read(file))
                .hasMessage("int8 calibration " + file + ": starts[1] must be a number, got \"x\"");

        Files.writeString(file, "{\"steps\": [1]}");
        assertThatThrownBy(() -> Int8Calibration.read(file))
                .hasMessage(
                        "int8 calibration "
                                + file
                                + ": \"starts\" must be an array of numbers, got null");

        Files.writeString(file, "{\"starts\": [0,");
        assertThatThrownBy(() -> Int8Calibration.read(file))
                .hasMessageStartingWith("int8 calibration " + file + " is not valid JSON: ");

        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> Int8Calibration.read(file))
                .hasMessage("int8 calibration " + file + " must be a JSON object");

        Path missing = tmp.resolve("missing.json");
        assertThatThrownBy(() -> Int8Calibration.read(missing))
                .isInstanceOf(CalibrationException.class)
                .hasMessageStartingWith("Cannot read int8 calibration " + missing + ": ");

        assertThatThrownBy(() -> Int8Calibration.fromJson("{\"starts\": [], \"steps\": []}"))
                .hasMessage("int8 calibration JSON: starts and steps are empty");
    }

    @Test
    void misfitInputsAreRejected() {
        assertThatThrownBy(() -> Int8Calibration.fit(List.of()))
                .hasMessage("Cannot calibrate on no embeddings");
        assertThatThrownBy(() -> Int8Calibration.fit(List.of(new float[2], new float[3])))
                .hasMessage("Embedding 1 has 3 dimensions, embedding 0 has 2");
        assertThatThrownBy(
                        () ->
                                Int8Calibration.fit(
                                        List.of(new float[2], new float[] {0f, Float.NaN})))
                .hasMessage("Embedding 1 has a non-finite value at 1: NaN");
        assertThatThrownBy(() -> SIMPLE.int8(new float[3]))
                .hasMessage("Vector has 3 dimensions, the calibration 2");
        assertThatThrownBy(() -> new Int8Calibration(new float[] {Float.NaN}, new float[] {1f}))
                .isInstanceOf(CalibrationException.class)
                .hasMessage("starts[0] is not finite: NaN");
    }
}
