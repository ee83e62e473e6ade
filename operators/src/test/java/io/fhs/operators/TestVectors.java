package io.fhs.operators;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vector arithmetic for tests, written out independently of the code under test so that expected
 * values do not share its bugs.
 */
public final class TestVectors {
    private TestVectors() {}

    public static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    public static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    public static float[] normalized(float[] v) {
        double norm = norm(v);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    public static float[] concat(float[] first, float[] second) {
        float[] out = new float[first.length + second.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        return out;
    }
}
