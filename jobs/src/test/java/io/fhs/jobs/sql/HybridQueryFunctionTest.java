package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.sparse.SparseVector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HybridQueryFunctionTest {
    @Test
    void packedQueriesUnpackToTheirVectorsWithWholeHashIndices() {
        Map<Integer, Float> terms = new LinkedHashMap<>();
        // Hashes past 2^24 lose bits as one float, and past 0x7f800000 would read as NaN.
        terms.put(0x7fffffff, 0.5f);
        terms.put(3, 1.25f);
        terms.put(0x01000001, 2f);
        Float[] packed = new HybridQueryFunction().eval(new Float[] {0.6f, -0.8f}, terms);
        float[] floats = new float[packed.length];
        for (int i = 0; i < packed.length; i++) {
            floats[i] = packed[i];
        }
        assertThat(HybridQueryFunction.isPacked(floats)).isTrue();
        HybridQueryFunction.Packed back = HybridQueryFunction.unpack(floats);
        assertThat(back.dense()).containsExactly(0.6f, -0.8f);
        SparseVector s = back.sparse();
        assertThat(s.indices()).containsExactly(3, 0x01000001, 0x7fffffff);
        assertThat(s.values()).containsExactly(1.25f, 2f, 0.5f);
    }

    @Test
    void plainEmbeddingsAreNotPackedQueries() {
        float[] embedding = {0.03f, -0.2f, 0.5f, 0.1f};
        assertThat(HybridQueryFunction.isPacked(embedding)).isFalse();
        assertThatThrownBy(() -> HybridQueryFunction.unpack(embedding))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FHS_HYBRID_QUERY");
    }
}
