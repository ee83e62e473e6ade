package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The physical collection behind an alias carries the model and a hash of models and schema. */
class PhysicalCollectionNameTest {
    private static Configuration conf(String model) {
        Configuration c = new Configuration();
        c.set(QdrantOptions.COLLECTION, "docs");
        c.set(ModelOptions.DENSE, model);
        return c;
    }

    private static String name(Configuration c) {
        return CollectionLayout.physicalName(c, CollectionLayout.spec(c));
    }

    @Test
    void theNameIsStableAndChangesWithTheModelsOrTheSchema() {
        String minilm = name(conf("all-MiniLM-L6-v2"));
        assertThat(minilm).matches("docs-all-minilm-l6-v2-[0-9a-f]{8}");
        assertThat(name(conf("all-MiniLM-L6-v2"))).isEqualTo(minilm);
        assertThat(name(conf("bge-small-en-v1.5"))).startsWith("docs-bge-small-en-v1.5-");

        Configuration dense = conf("all-MiniLM-L6-v2");
        dense.set(ModelOptions.SPARSE, "none");
        assertThat(name(dense)).startsWith("docs-all-minilm-l6-v2-").isNotEqualTo(minilm);
        Configuration int8 = conf("all-MiniLM-L6-v2");
        int8.set(IngestOptions.CLIENT_QUANTIZATION, VectorQuantization.Mode.INT8);
        assertThat(name(int8)).isNotEqualTo(minilm);
    }

    @Test
    void aModelDirectoryIsNamedByItsLastElement() {
        assertThat(CollectionLayout.shortName("/models/My Model_v2")).isEqualTo("my-model_v2");
        assertThat(CollectionLayout.shortName("bge-small-en-v1.5")).isEqualTo("bge-small-en-v1.5");
    }
}
