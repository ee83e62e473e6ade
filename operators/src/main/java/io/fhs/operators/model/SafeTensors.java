package io.fhs.operators.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.annotation.Internal;

/**
 * Reads one one-dimensional float tensor from a {@code .safetensors} file: an 8-byte little-endian
 * header length, a JSON header {@code {name: {dtype, shape, data_offsets}}}, then the raw
 * little-endian tensor bytes. Enough for sentence-transformers' {@code SparseStaticEmbedding}
 * weights without a dependency on a tensor library.
 */
@Internal
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    // The format caps the header at 100 MB; a larger length means a corrupt or foreign file.
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /** The tensor {@code name} of {@code file} as floats; F32, F16 and BF16 are accepted. */
    public static float[] readVector(Path file, String name) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer lengthBytes = readFully(channel, 0, 8, file);
            long headerLength = lengthBytes.order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new ModelException(
                        file + " is not a safetensors file (header length " + headerLength + ")");
            }
            JsonNode header = parseHeader(file, readFully(channel, 8, (int) headerLength, file));
            Tensor tensor = Tensor.of(file, name, header.get(name));
            long start = 8 + headerLength + tensor.begin();
            if (8 + headerLength + tensor.end() > size) {
                throw new ModelException(
                        file + ": tensor '" + name + "' ends past the end of the file");
            }
            ByteBuffer data =
                    readFully(channel, start, (int) (tensor.end() - tensor.begin()), file);
            return tensor.decode(data.order(ByteOrder.LITTLE_ENDIAN));
        } catch (IOException e) {
            throw new ModelException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path file)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new ModelException(file + " is truncated (a safetensors file was expected)");
            }
        }
        return buffer.flip();
    }

    private static JsonNode parseHeader(Path file, ByteBuffer bytes) {
        try {
            JsonNode header = JSON.readTree(StandardCharsets.UTF_8.decode(bytes).toString());
            if (!header.isObject()) {
                throw new ModelException(file + ": the safetensors header must be a JSON object");
            }
            return header;
        } catch (JsonProcessingException e) {
            throw new ModelException(
                    file + ": the safetensors header is not valid JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    private record Tensor(String dtype, int length, long begin, long end) {
        static Tensor of(Path file, String name, JsonNode entry) {
            if (entry == null || !entry.isObject()) {
                throw new ModelException(file + " has no tensor '" + name + "'");
            }
            JsonNode shape = entry.path("shape");
            JsonNode offsets = entry.path("data_offsets");
            String dtype = entry.path("dtype").asText("");
            if (!shape.isArray() || shape.size() != 1 || !shape.get(0).canConvertToInt()) {
                throw new ModelException(
                        file + ": tensor '" + name + "' must be one-dimensional, shape " + shape);
            }
            if (!offsets.isArray() || offsets.size() != 2) {
                throw new ModelException(
                        file + ": tensor '" + name + "' needs data_offsets [begin, end]");
            }
            Tensor t =
                    new Tensor(
                            dtype,
                            shape.get(0).intValue(),
                            offsets.get(0).longValue(),
                            offsets.get(1).longValue());
            long expected = (long) t.length() * t.width(file, name);
            if (t.begin() < 0 || t.end() - t.begin() != expected) {
                throw new ModelException(
                        file
                                + ": tensor '"
                                + name
                                + "' has data_offsets "
                                + offsets
                                + ", which do not hold "
                                + t.length()
                                + " values of "
                                + dtype);
            }
            return t;
        }

        int width(Path file, String name) {
            return switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                default ->
                        throw new ModelException(
                                file
                                        + ": tensor '"
                                        + name
                                        + "' has dtype "
                                        + dtype
                                        + "; F32, F16 or BF16 expected");
            };
        }

        float[] decode(ByteBuffer data) {
            float[] out = new float[length];
            for (int i = 0; i < length; i++) {
                out[i] =
                        switch (dtype) {
                            case "F32" -> data.getFloat();
                            case "F16" -> halfToFloat(data.getShort());
                            default -> Float.intBitsToFloat((data.getShort() & 0xffff) << 16);
                        };
            }
            return out;
        }

        // Java 17 has no Float.float16ToFloat (added in 20): IEEE 754 binary16 by hand.
        private static float halfToFloat(short bits) {
            int sign = (bits & 0x8000) << 16;
            int exponent = (bits >>> 10) & 0x1f;
            int mantissa = bits & 0x3ff;
            if (exponent == 0x1f) {
                return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
            }
            if (exponent == 0) {
                float magnitude = mantissa * 0x1p-24f;
                return sign == 0 ? magnitude : -magnitude;
            }
            return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
        }
    }
}
