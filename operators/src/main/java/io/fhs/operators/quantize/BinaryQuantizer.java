package io.fhs.operators.quantize;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Binary quantization as sentence-transformers' {@code quantize_embeddings} does it: one bit per
 * dimension, set where the value is {@code > 0}, packed most significant bit first ({@code
 * np.packbits}), the last byte zero-padded.
 *
 * <p>Memory per vector of dimension d: float32 4·d bytes, uint8/int8 d bytes, binary d/8 bytes (d =
 * 384: 1536, 384 and 48 bytes).
 *
 * <p>sentence-transformers packs the flattened matrix of all embeddings, so for a dimension that is
 * not a multiple of 8 its bytes straddle rows; here every vector is packed on its own. For
 * multiples of 8 (all common models) both agree.
 */
@PublicEvolving
public final class BinaryQuantizer {
    private BinaryQuantizer() {}

    /** {@code precision="ubinary"}: the packed bits as unsigned bytes (Java shows them signed). */
    public static byte[] ubinary(float[] v) {
        byte[] packed = new byte[(v.length + 7) / 8];
        for (int i = 0; i < v.length; i++) {
            if (v[i] > 0) {
                packed[i >> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return packed;
    }

    /**
     * {@code precision="binary"}: each packed byte minus 128 as int8. numpy's uint8 arithmetic
     * wraps around, and the result is exactly {@code ubinary - 128}, i.e. the top bit flipped.
     */
    public static byte[] binary(float[] v) {
        byte[] packed = ubinary(v);
        for (int i = 0; i < packed.length; i++) {
            packed[i] ^= (byte) 0x80;
        }
        return packed;
    }

    /**
     * The number of differing bits. Works on {@link #binary} and {@link #ubinary} codes alike,
     * since both flip the same bits.
     */
    public static int hamming(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "Cannot compare binary codes of " + a.length + " and " + b.length + " bytes");
        }
        int distance = 0;
        for (int i = 0; i < a.length; i++) {
            distance += Integer.bitCount((a[i] ^ b[i]) & 0xff);
        }
        return distance;
    }
}
