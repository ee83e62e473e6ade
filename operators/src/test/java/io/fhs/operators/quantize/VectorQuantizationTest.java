package io.fhs.operators.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class VectorQuantizationTest {
    // Ranges that do not round-trip through double: 0.1f, 1/3f and a subnormal-ish tiny step.
    static final Int8Calibration CAL =
            new Int8Calibration(
                    new float[] {-0.1f, -1f / 3f, 0f}, new float[] {0.2f / 255f, 1f / 255f, 1e-7f});

    @Test
    void documentsAndQueriesTakeTheStoredForm() {
        float[] v = {0.05f, -1f / 3f, 2f};
        VectorQuantization int8 = VectorQuantization.int8(CAL);
        assertThat(int8.document(v)).containsExactly(CAL.uint8ForQdrant(v));
        assertThat(int8.query(v)).containsExactly(CAL.uint8ForQdrant(v));
        // (0.05 + 0.1) / (0.2 / 255) = 191.25 -> int8 63 -> 191; the minimum -> 0; clamped -> 255.
        assertThat(int8.document(v)).containsExactly(191f, 0f, 255f);

        VectorQuantization binary = VectorQuantization.binary();
        assertThat(binary.document(new float[] {0.3f, 0f, -0.2f, 1e-9f}))
                .containsExactly(1f, -1f, -1f, 1f);
        assertThat(binary.query(v)).as("binary searches rescore with the float query").isSameAs(v);
        assertThat(VectorQuantization.none().document(v)).isSameAs(v);
    }

    @Test
    void binarySignsAreTheUnpackedUbinaryBits() {
        float[] v = new float[16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 3 == 0 ? 1 : -1) * (i + 1) / 10f;
        }
        byte[] packed = BinaryQuantizer.ubinary(v);
        float[] signs = VectorQuantization.binary().document(v);
        for (int i = 0; i < v.length; i++) {
            boolean bit = (packed[i >> 3] & (0x80 >>> (i & 7))) != 0;
            assertThat(signs[i]).as("dimension %d", i).isEqualTo(bit ? 1f : -1f);
        }
    }

    @Test
    void memoryPerVector() {
        assertThat(VectorQuantization.none().bytesPerVector(384)).isEqualTo(1536);
        assertThat(VectorQuantization.int8(CAL).bytesPerVector(384)).isEqualTo(384);
        assertThat(VectorQuantization.binary().bytesPerVector(384)).isEqualTo(768);
    }

    @Test
    void theMetadataFormRoundTripsBitExactly() {
        for (VectorQuantization q :
                List.of(
                        VectorQuantization.none(),
                        VectorQuantization.binary(),
                        VectorQuantization.int8(CAL))) {
            VectorQuantization back = VectorQuantization.fromJson(q.toJson());
            assertThat(back).isEqualTo(q);
        }
        Int8Calibration back =
                VectorQuantization.fromJson(VectorQuantization.int8(CAL).toJson()).calibration();
        assertThat(back.starts()).containsExactly(CAL.starts());
        assertThat(back.steps()).containsExactly(CAL.steps());
        assertThat(VectorQuantization.int8(CAL).toJson()).startsWith("{\"mode\":\"int8\"");
    }

    @Test
    void badStoredFormsSayWhatIsWrong() {
        assertThatThrownBy(() -> VectorQuantization.fromJson("{\"mode\":\"int4\"}"))
                .hasMessageContaining("mode 'int4' is not none, int8 or binary");
        assertThatThrownBy(() -> VectorQuantization.fromJson("{\"mode\":\"int8\"}"))
                .hasMessageContaining("has no int8_calibration");
        assertThatThrownBy(() -> VectorQuantization.fromJson("{mode"))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("not valid JSON");
    }
}
