package io.fhs.jobs.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.jobs.options.ModelOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The models entry of a collection's metadata: its JSON form, comparison and use. */
class StoredModelsTest {
    @Test
    void roundTripsThroughItsJson() {
        StoredModels m = new StoredModels("bge-small-en-v1.5", "bm25", 82.2);
        assertThat(StoredModels.fromJson("c", m.toJson())).isEqualTo(m);
    }

    @Test
    void encodersCompareWithoutTheBm25Length() {
        StoredModels m = new StoredModels("all-MiniLM-L6-v2", "bm25", 100);
        assertThat(m.sameEncoders(new StoredModels("all-MiniLM-L6-v2", "BM25", 256))).isTrue();
        assertThat(m.sameEncoders(new StoredModels("bge-small-en-v1.5", "bm25", 100))).isFalse();
        assertThat(m.sameEncoders(new StoredModels("all-MiniLM-L6-v2", "none", 100))).isFalse();
    }

    @Test
    void appliesItsModelsToAConfiguration() {
        Configuration c = new Configuration();
        c.set(ModelOptions.DENSE, "all-MiniLM-L6-v2");
        Configuration applied = new StoredModels("bge-small-en-v1.5", "none", 50).applyTo(c);
        assertThat(StoredModels.of(applied))
                .isEqualTo(new StoredModels("bge-small-en-v1.5", "none", 50));
        assertThat(c.get(ModelOptions.DENSE)).isEqualTo("all-MiniLM-L6-v2");
    }
}
