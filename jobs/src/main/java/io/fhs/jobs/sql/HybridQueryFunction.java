package io.fhs.jobs.sql;

import io.fhs.operators.sparse.SparseVector;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code FHS_HYBRID_QUERY(embedding, sparse)}: one {@code ARRAY<FLOAT>} that carries a query's
 * dense embedding and its sparse vector, for {@code VECTOR_SEARCH} on a {@code qdrant} table with
 * {@code 'search.mode' = 'hybrid'} (or {@code sparse}). {@code VECTOR_SEARCH} passes the source one
 * query column, cast to the search column's {@code ARRAY<FLOAT>}; this packs both vectors into it.
 * Register it with {@code CREATE FUNCTION FHS_HYBRID_QUERY AS
 * 'io.fhs.jobs.sql.HybridQueryFunction'}.
 *
 * <p>The layout ({@link #pack}, {@link #unpack}): the dense size {@code d}, the {@code d} dense
 * values, then per sparse term its index's high and low 16 bits and its value. Halves of an index
 * are exact in a float, where a whole BM25 index (31 hash bits) is not.
 */
@PublicEvolving
public final class HybridQueryFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    /** A dense embedding and a sparse vector as one packed query. */
    public record Packed(float[] dense, SparseVector sparse) {}

    public @DataTypeHint("ARRAY<FLOAT>") Float[] eval(
            @DataTypeHint("ARRAY<FLOAT>") Float[] embedding,
            @DataTypeHint("MAP<INT, FLOAT>") Map<Integer, Float> sparse) {
        float[] dense = new float[embedding == null ? 0 : embedding.length];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = embedding[i] == null ? 0f : embedding[i];
        }
        int[] indices = new int[sparse == null ? 0 : sparse.size()];
        float[] values = new float[indices.length];
        if (sparse != null) {
            int i = 0;
            for (Map.Entry<Integer, Float> e : sparse.entrySet()) {
                indices[i] = e.getKey();
                values[i++] = e.getValue() == null ? 0f : e.getValue();
            }
        }
        // A MAP has no order; the sparse vector wants its indices increasing.
        float[] packed = pack(dense, SparseVector.fromUnsorted(indices, values));
        Float[] out = new Float[packed.length];
        for (int i = 0; i < packed.length; i++) {
            out[i] = packed[i];
        }
        return out;
    }

    /** {@code dense} and {@code sparse} in the layout above. */
    public static float[] pack(float[] dense, SparseVector sparse) {
        int n = sparse.indices().length;
        float[] out = new float[1 + dense.length + 3 * n];
        out[0] = dense.length;
        System.arraycopy(dense, 0, out, 1, dense.length);
        for (int i = 0; i < n; i++) {
            int at = 1 + dense.length + 3 * i;
            out[at] = sparse.indices()[i] >>> 16;
            out[at + 1] = sparse.indices()[i] & 0xffff;
            out[at + 2] = sparse.values()[i];
        }
        return out;
    }

    /**
     * Whether {@code vector} is in the packed layout with a dense part. An embedding is not: its
     * first value would have to be a whole number of at least 1, which a unit vector's is only when
     * it is a basis vector.
     */
    public static boolean isPacked(float[] vector) {
        if (vector.length == 0 || vector[0] < 1 || vector[0] != Math.rint(vector[0])) {
            return false;
        }
        int rest = vector.length - 1 - (int) vector[0];
        return rest >= 0 && rest % 3 == 0;
    }

    /**
     * The vectors {@link #pack} packed.
     *
     * @throws IllegalArgumentException when {@code packed} is not in that layout (a plain
     *     embedding, say)
     */
    public static Packed unpack(float[] packed) {
        if (packed.length == 0 || packed[0] < 0 || packed[0] != Math.rint(packed[0])) {
            throw notPacked(packed.length);
        }
        int d = (int) packed[0];
        int rest = packed.length - 1 - d;
        if (rest < 0 || rest % 3 != 0) {
            throw notPacked(packed.length);
        }
        float[] dense = new float[d];
        System.arraycopy(packed, 1, dense, 0, d);
        int n = rest / 3;
        int[] indices = new int[n];
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            int at = 1 + d + 3 * i;
            indices[i] = ((int) packed[at] << 16) | (int) packed[at + 1];
            values[i] = packed[at + 2];
        }
        return new Packed(dense, new SparseVector(indices, values));
    }

    private static IllegalArgumentException notPacked(int length) {
        return new IllegalArgumentException(
                "a sparse or hybrid search takes the query FHS_HYBRID_QUERY(embedding, sparse)"
                        + " builds; got an array of "
                        + length
                        + " floats not in its layout");
    }
}
