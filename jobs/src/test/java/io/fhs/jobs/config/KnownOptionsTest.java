package io.fhs.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;

class KnownOptionsTest {
    /** A shared key has one home that both jobs read it through, not a copy in each. */
    @Test
    void everyKeyOfOursIsDeclaredInOneOptionClass() throws Exception {
        Map<String, String> home = new HashMap<>();
        for (Class<?> c : KnownOptions.OURS) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    String key = ((ConfigOption<?>) f.get(null)).key();
                    String where = c.getSimpleName() + "." + f.getName();
                    assertThat(home.putIfAbsent(key, where)).as("%s and %s", key, where).isNull();
                }
            }
        }
        assertThat(home)
                .containsEntry("qdrant.quantization", "QdrantOptions.SERVER_QUANTIZATION")
                .containsEntry("quantization", "IngestOptions.CLIENT_QUANTIZATION")
                .containsEntry("model.rerank", "ModelOptions.RERANK")
                .containsEntry("query.checkpoint-interval", "QueryOptions.CHECKPOINT_INTERVAL");
        assertThat(KnownOptions.ourKeys()).containsExactlyInAnyOrderElementsOf(home.keySet());
    }

    @Test
    void flinkKeysComeFromItsOptionClassesAndOpenFamiliesFromPrefixes() {
        assertThat(KnownOptions.isKnown(CoreOptions.DEFAULT_PARALLELISM.key())).isTrue();
        assertThat(KnownOptions.isKnown("execution.checkpointing.interval")).isTrue();
        assertThat(KnownOptions.isKnown("kafka.properties.ssl.truststore.location")).isTrue();
        assertThat(KnownOptions.isKnown("metrics.reporter.jmx.factory.class")).isTrue();
        assertThat(KnownOptions.isKnown("kafka.bootstrap.servers")).isFalse();
        assertThat(KnownOptions.nearest("kafka.bootstrap.servers"))
                .isEqualTo("kafka.bootstrap-servers");
        assertThat(KnownOptions.nearest("paralelism.default")).isEqualTo("parallelism.default");
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(KnownOptions.editDistance("qdrant.colection", "qdrant.collection")).isEqualTo(1);
        assertThat(KnownOptions.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(KnownOptions.editDistance("", "abc")).isEqualTo(3);
        assertThat(KnownOptions.editDistance("same", "same")).isZero();
    }
}
