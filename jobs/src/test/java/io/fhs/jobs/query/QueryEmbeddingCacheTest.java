package io.fhs.jobs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.sparse.SparseVector;
import org.junit.jupiter.api.Test;

class QueryEmbeddingCacheTest {
    static final SparseVector TERMS = new SparseVector(new int[] {3, 9}, new float[] {0.5f, 1f});

    @Test
    void answersRepeatsAndEvictsTheLeastRecentlyUsedText() {
        QueryEmbeddingCache cache = new QueryEmbeddingCache(2);
        cache.put("a", new float[] {1}, null);
        cache.put("b", new float[] {2}, null);
        assertThat(cache.lookup("a", false).dense()).containsExactly(1f);
        cache.put("c", new float[] {3}, null);
        assertThat(cache.lookup("b", false)).as("least recently used").isNull();
        assertThat(cache.lookup("a", false)).isNotNull();
        assertThat(cache.lookup("c", false)).isNotNull();
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.hits()).isEqualTo(3);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hitRate()).isEqualTo(0.75);
    }

    @Test
    void aDenseOnlyEntryDoesNotAnswerAHybridQueryAndKeepsItsTermsOnceLearnt() {
        QueryEmbeddingCache cache = new QueryEmbeddingCache(10);
        cache.put("q", new float[] {1}, null);
        assertThat(cache.lookup("q", true)).isNull();
        cache.put("q", new float[] {1}, TERMS);
        cache.put("q", new float[] {1}, null);
        assertThat(cache.lookup("q", true).sparse()).isEqualTo(TERMS);
    }

    @Test
    void sizeZeroCachesNothingAndANegativeSizeIsRefused() {
        QueryEmbeddingCache off = new QueryEmbeddingCache(0);
        off.put("q", new float[] {1}, TERMS);
        assertThat(off.lookup("q", false)).isNull();
        assertThat(off.hitRate()).isZero();
        assertThatThrownBy(() -> new QueryEmbeddingCache(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
