package io.fhs.operators.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryQuantizerTest {

    @Test
    void bitsArePackedMostSignificantFirstAndOnlyPositivesCount() {
        float[] v = {1f, -1f, 0f, 2f, -0f, 3f, 0.5f, -2f, 7f};
        // 1001 0110 | 1000 0000: zero and negative zero are not "> 0".
        assertThat(BinaryQuantizer.ubinary(v)).containsExactly((byte) 0x96, (byte) 0x80);
        assertThat(BinaryQuantizer.binary(v)).containsExactly((byte) 0x16, (byte) 0x00);
        assertThat(BinaryQuantizer.binary(new float[] {-1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f}))
                .containsExactly((byte) -128);
        assertThat(BinaryQuantizer.ubinary(new float[0])).isEmpty();
    }

    @Test
    void aVectorOf384DimensionsTakes48Bytes() {
        float[] v = new float[384];
        assertThat(BinaryQuantizer.ubinary(v)).hasSize(48);
        assertThat(Int8Calibration.fit(List.of(v, v)).int8(v)).hasSize(384);
    }

    @Test
    void hammingCountsTheDimensionsWhoseSignsDiffer() {
        List<float[]> vectors = Int8CalibrationTest.randomEmbeddings(20, 100, 3);
        for (float[] a : vectors) {
            for (float[] b : vectors) {
                int differing = 0;
                for (int i = 0; i < a.length; i++) {
                    differing += (a[i] > 0) != (b[i] > 0) ? 1 : 0;
                }
                assertThat(
                                BinaryQuantizer.hamming(
                                        BinaryQuantizer.ubinary(a), BinaryQuantizer.ubinary(b)))
                        .isEqualTo(differing);
                assertThat(
                                BinaryQuantizer.hamming(
                                        BinaryQuantizer.binary(a), BinaryQuantizer.binary(b)))
                        .isEqualTo(differing);
            }
        }
        assertThatThrownBy(() -> BinaryQuantizer.hamming(new byte[2], new byte[3]))
                .hasMessage("Cannot compare binary codes of 2 and 3 bytes");
    }
}
