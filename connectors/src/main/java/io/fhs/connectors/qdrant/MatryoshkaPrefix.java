package io.fhs.connectors.qdrant;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The small vector of a two-stage (Matryoshka) collection: the first dimensions of the dense
 * vector, scaled to unit length. Points and queries are cut alike, so that the prefetch compares
 * what the model trained its prefixes for; the unit length makes dot products cosines.
 */
@PublicEvolving
public final class MatryoshkaPrefix {
    /** The named vector a two-stage collection stores the prefix in. */
    public static final String VECTOR_NAME = "dense_small";

    private MatryoshkaPrefix() {}

    /** The first {@code dimension} values of {@code v}, normalized (zero stays zero). */
    public static float[] of(float[] v, int dimension) {
        if (dimension < 1 || dimension > v.length) {
            throw new IllegalArgumentException(
                    "prefix of " + dimension + " dimensions from a vector of " + v.length);
        }
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            norm += (double) v[i] * v[i];
        }
        double scale = norm > 0 ? 1.0 / Math.sqrt(norm) : 0.0;
        float[] out = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            out[i] = (float) (v[i] * scale);
        }
        return out;
    }
}
