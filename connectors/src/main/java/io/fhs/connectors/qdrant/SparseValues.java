package io.fhs.connectors.qdrant;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A sparse query vector as Qdrant takes it: indices and their values, in equal numbers. The
 * connectors' own type, so that they need none of the encoders' classes; callers convert at their
 * boundary.
 */
@PublicEvolving
public record SparseValues(int[] indices, float[] values) {
    public SparseValues {
        if (indices == null || values == null || indices.length != values.length) {
            throw new IllegalArgumentException(
                    "A sparse vector needs indices and values in equal numbers, got "
                            + (indices == null ? "null" : indices.length)
                            + " and "
                            + (values == null ? "null" : values.length));
        }
    }

    public int size() {
        return indices.length;
    }
}
