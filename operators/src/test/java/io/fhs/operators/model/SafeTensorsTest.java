package io.fhs.operators.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class SafeTensorsTest {

    @Test
    void readsHalfAndBfloat16Vectors(@TempDir Path tmp) throws Exception {
        // 1.0, -2.0, 65504 (largest half), 2^-24 (smallest subnormal half), 0.5
        short[] half = {0x3c00, (short) 0xc000, 0x7bff, 0x0001, 0x3800};
        Path file = tmp.resolve("half.safetensors");
        write(file, "weight", "F16", half);
        assertThat(SafeTensors.readVector(file, "weight"))
                .containsExactly(1.0f, -2.0f, 65504f, 0x1p-24f, 0.5f);
        // bfloat16 is the upper half of a float32: 1.0, -3.0, 0.15625
        short[] bf16 = {0x3f80, (short) 0xc040, 0x3e20};
        write(file, "weight", "BF16", bf16);
        assertThat(SafeTensors.readVector(file, "weight")).containsExactly(1.0f, -3.0f, 0.15625f);
    }

    @Test
    void readsFloat32AndNamesTheFileOnErrors(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("w.safetensors");
        writeF32(file, "weight", new float[] {0.25f, 7.5f});
        assertThat(SafeTensors.readVector(file, "weight")).containsExactly(0.25f, 7.5f);
        assertThatThrownBy(() -> SafeTensors.readVector(file, "bias"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("no tensor 'bias'");

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> SafeTensors.readVector(file, "weight"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("past the end");

        Files.writeString(file, "{\"weight\": 1}");
        assertThatThrownBy(() -> SafeTensors.readVector(file, "weight"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a safetensors file");
    }

    /** Writes one float32 vector as safetensors, for tests that need a particular file. */
    public static void writeF32(Path file, String name, float[] values) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        writeRaw(file, name, "F32", values.length, data.array());
    }

    private static void write(Path file, String name, String dtype, short[] values)
            throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            data.putShort(v);
        }
        writeRaw(file, name, dtype, values.length, data.array());
    }

    private static void writeRaw(Path file, String name, String dtype, int length, byte[] data)
            throws IOException {
        byte[] header =
                String.format(
                                "{\"%s\":{\"dtype\":\"%s\",\"shape\":[%d],\"data_offsets\":[0,%d]}}",
                                name, dtype, length, data.length)
                        .getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header).put(data);
        Files.write(file, out.array());
    }
}
