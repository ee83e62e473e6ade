package io.fhs.operators.sparse;

import java.nio.charset.StandardCharsets;

/**
 * The hand-written MurmurHash3 x86 32-bit (seed 0) of UTF-8 bytes that computed the BM25 term
 * indices before Guava's did: the oracle proving that indices written by older versions still match
 * the queries of this one.
 */
final class Murmur3Reference {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Murmur3Reference() {}

    static int hash32(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int h = 0;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k =
                    (data[at] & 0xff)
                            | (data[at + 1] & 0xff) << 8
                            | (data[at + 2] & 0xff) << 16
                            | (data[at + 3] & 0xff) << 24;
            h ^= mixK(k);
            h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
            // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
            // fall through
            case 1:
                k ^= data[tail] & 0xff;
                h ^= mixK(k);
                break;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mixK(int k) {
        k *= C1;
        k = Integer.rotateLeft(k, 15);
        return k * C2;
    }
}
