package io.fhs.operators.sparse;

import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A sparse vector: strictly increasing non-negative indices and their values, as Qdrant's sparse
 * vectors take them.
 */
@PublicEvolving
public record SparseVector(int[] indices, float[] values) {
    private static final SparseVector EMPTY = new SparseVector(new int[0], new float[0]);

    public SparseVector {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(
                    indices.length + " indices but " + values.length + " values");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || (i > 0 && indices[i] <= indices[i - 1])) {
                throw new IllegalArgumentException(
                        "Indices must be non-negative and strictly increasing, got "
                                + Arrays.toString(Arrays.copyOf(indices, Math.min(i + 1, 20))));
            }
        }
    }

    public static SparseVector empty() {
        return EMPTY;
    }

    /** Builds a vector from unsorted (index, value) pairs with distinct indices. */
    public static SparseVector fromUnsorted(int[] indices, float[] values) {
        Integer[] order = new Integer[indices.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(indices[a], indices[b]));
        int[] sortedIndices = new int[indices.length];
        float[] sortedValues = new float[values.length];
        for (int i = 0; i < order.length; i++) {
            sortedIndices[i] = indices[order[i]];
            sortedValues[i] = values[order[i]];
        }
        return new SparseVector(sortedIndices, sortedValues);
    }

    public int size() {
        return indices.length;
    }

    /**
     * Keeps the {@code k} largest values (ties: lower index first), as sentence-transformers'
     * {@code max_active_dims} does; returns this vector when it has at most k entries.
     */
    public SparseVector topK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        if (indices.length <= k) {
            return this;
        }
        Integer[] order = new Integer[indices.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[b], values[a]));
        int[] keptIndices = new int[k];
        float[] keptValues = new float[k];
        for (int i = 0; i < k; i++) {
            keptIndices[i] = indices[order[i]];
            keptValues[i] = values[order[i]];
        }
        return fromUnsorted(keptIndices, keptValues);
    }

    /** Dot product, the similarity sparse retrieval uses. */
    public double dot(SparseVector other) {
        double sum = 0;
        int i = 0;
        int j = 0;
        while (i < indices.length && j < other.indices.length) {
            if (indices[i] == other.indices[j]) {
                sum += (double) values[i++] * other.values[j++];
            } else if (indices[i] < other.indices[j]) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    /** The value at {@code index}, 0 when absent. */
    public float get(int index) {
        int at = Arrays.binarySearch(indices, index);
        return at >= 0 ? values[at] : 0f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseVector v
                && Arrays.equals(indices, v.indices)
                && Arrays.equals(values, v.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "SparseVector[" + indices.length + " dims]";
    }
}
