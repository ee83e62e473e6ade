package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.options.EncodeOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestOptionsTest {
    static final Path CONF = Path.of(System.getProperty("fhs.root", ".."), "conf", "ingest.yaml");

    @Test
    void theShippedConfigLoadsAndCommandLineOverridesWin() {
        Configuration c =
                ConfigLoader.load(
                        CONF, Map.of("qdrant.collection", "cacm", "encode.max-wait", "20 ms"));
        IngestOptions.sanityCheck(c);
        assertThat(c.get(IngestOptions.TOPIC)).isEqualTo("documents");
        assertThat(c.get(QdrantOptions.COLLECTION)).isEqualTo("cacm");
        assertThat(c.get(EncodeOptions.MAX_WAIT)).isEqualTo(Duration.ofMillis(20));
        assertThat(c.get(ModelOptions.BM25_AVG_LEN)).isEqualTo(100.0);
        assertThat(c.get(QdrantOptions.PAYLOAD_INDEXES)).isEmpty();
        assertThat(c.get(QdrantOptions.SERVER_QUANTIZATION))
                .isEqualTo(CollectionSpec.Quantization.NONE);
    }

    @Test
    void deleteTombstonesNeedGuardedWrites() {
        Configuration both = ConfigLoader.load(null, Map.of("ingest.delete-tombstones", "true"));
        IngestOptions.sanityCheck(both);
        assertThat(both.get(IngestOptions.DELETE_TOMBSTONES)).isTrue();
        assertThat(IngestConnectors.qdrantSink(both)).isNotNull();
        assertThat(ConfigLoader.load(null, Map.of()).get(IngestOptions.DELETE_TOMBSTONES))
                .isFalse();
        Configuration unguarded =
                ConfigLoader.load(
                        null,
                        Map.of(
                                "ingest.delete-tombstones", "true",
                                "ingest.guarded-writes", "false"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(unguarded))
                .hasMessageStartingWith(
                        "ingest.delete-tombstones true needs ingest.guarded-writes true");
    }

    @Test
    void theDeadLetterGuaranteeReadsAsKafkaSpellsItAndRefusesNone() {
        Configuration exactly =
                ConfigLoader.load(null, Map.of("ingest.dead-letter.guarantee", "exactly-once"));
        IngestOptions.sanityCheck(exactly);
        assertThat(exactly.get(IngestOptions.DEAD_LETTER_GUARANTEE))
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(IngestConnectors.deadLetterSink(exactly)).isNotNull();
        Configuration none =
                ConfigLoader.load(null, Map.of("ingest.dead-letter.guarantee", "none"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(none))
                .hasMessageStartingWith("ingest.dead-letter.guarantee none could lose letters");
    }

    @Test
    void badValuesFailEarlyNamingTheOption(@TempDir Path tmp) throws Exception {
        Configuration c = ConfigLoader.load(null, Map.of("encode.batch-size", "0"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(c))
                .hasMessage("encode.batch-size must be >= 1, got 0");
        Configuration small =
                ConfigLoader.load(
                        null,
                        Map.of(
                                "encode.workers", "2",
                                "encode.batch-size", "256",
                                "encode.capacity", "300"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(small))
                .hasMessage(
                        "encode.capacity must be >= encode.workers x encode.batch-size = 512, got"
                                + " 300: with fewer chunks in flight, no worker ever gets a full"
                                + " batch");
        Configuration d = ConfigLoader.load(null, Map.of("encode.timeout", "0 s"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(d))
                .hasMessageContaining("encode.timeout must be a positive duration");
        Path nested = tmp.resolve("bad.yaml");
        Files.writeString(nested, "qdrant:\n  url: x\n");
        assertThatThrownBy(() -> ConfigLoader.load(nested, Map.of()))
                .hasMessageContaining("option qdrant must have a plain value");
        assertThatThrownBy(() -> ConfigLoader.load(tmp.resolve("missing.yaml"), Map.of()))
                .hasMessageContaining("missing.yaml does not exist");
    }

    @Test
    void theCollectionFollowsModelAndOptions() {
        Configuration c =
                ConfigLoader.load(
                        null,
                        Map.of(
                                "qdrant.collection", "docs",
                                "qdrant.quantization", "SCALAR",
                                "qdrant.on-disk", "true",
                                "qdrant.payload-indexes", "metadata.lang;metadata.source"));
        CollectionSpec spec = CollectionLayout.spec(c);
        assertThat(spec.name()).isEqualTo("docs");
        assertThat(spec.dimension()).isEqualTo(384);
        assertThat(spec.distance()).isEqualTo(CollectionSpec.Distance.COSINE);
        assertThat(spec.quantization()).isEqualTo(CollectionSpec.Quantization.SCALAR);
        assertThat(spec.onDisk()).isTrue();
        assertThat(spec.sparseIdf()).as("BM25 needs Qdrant's IDF").isTrue();
        assertThat(spec.keywordIndexes()).containsExactly("metadata.lang", "metadata.source");
        CollectionSpec dense =
                CollectionLayout.spec(ConfigLoader.load(null, Map.of("model.sparse", "none")));
        assertThat(dense.hasSparse()).isFalse();
    }

    @Test
    void clientSideQuantizationPicksTypeAndDistance() {
        CollectionSpec int8 =
                CollectionLayout.spec(ConfigLoader.load(null, Map.of("quantization", "int8")));
        assertThat(int8.datatype()).isEqualTo(CollectionSpec.Datatype.UINT8);
        assertThat(int8.distance()).isEqualTo(CollectionSpec.Distance.EUCLID);
        assertThat(int8.quantization()).isEqualTo(CollectionSpec.Quantization.NONE);
        CollectionSpec binary =
                CollectionLayout.spec(ConfigLoader.load(null, Map.of("quantization", "binary")));
        assertThat(binary.datatype()).isEqualTo(CollectionSpec.Datatype.FLOAT16);
        assertThat(binary.distance()).isEqualTo(CollectionSpec.Distance.DOT);
        assertThat(binary.quantization()).isEqualTo(CollectionSpec.Quantization.BINARY);
        Configuration clash =
                ConfigLoader.load(
                        null, Map.of("quantization", "binary", "qdrant.quantization", "SCALAR"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(clash))
                .hasMessageContaining(
                        "qdrant.quantization SCALAR cannot index quantization BINARY");
        Configuration samples =
                ConfigLoader.load(null, Map.of("quantization.calibration-samples", "0"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(samples))
                .hasMessage("quantization.calibration-samples must be >= 1, got 0");
    }

    @Test
    void theSinkRetryTimeIsShippedAndMustNotBeNegative() {
        assertThat(ConfigLoader.load(CONF, Map.of()).get(QdrantOptions.WRITE_MAX_RETRY_TIME))
                .isEqualTo(Duration.ofMinutes(1));
        // Flink parses no negative duration from text; code can still set one.
        Configuration negative = new Configuration();
        negative.set(QdrantOptions.WRITE_MAX_RETRY_TIME, Duration.ofSeconds(-1));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(negative))
                .hasMessage("qdrant.write.max-retry-time must not be negative, got PT-1S");
    }

    @Test
    void duplicateChecksAreOffUnlessAThresholdIsSetAndTheThresholdIsACosine() {
        Configuration shipped = ConfigLoader.load(CONF, Map.of());
        assertThat(shipped.getOptional(IngestOptions.DUPLICATES_THRESHOLD)).isEmpty();
        assertThat(shipped.get(IngestOptions.DUPLICATES_RECENT_CHUNKS)).isEqualTo(4096);
        Configuration on = ConfigLoader.load(CONF, Map.of("ingest.duplicates.threshold", "0.95"));
        IngestOptions.sanityCheck(on);
        assertThat(on.get(IngestOptions.DUPLICATES_THRESHOLD)).isEqualTo(0.95);
        for (String bad : new String[] {"0", "-0.5", "1.01", "NaN"}) {
            Configuration c = ConfigLoader.load(null, Map.of("ingest.duplicates.threshold", bad));
            assertThatThrownBy(() -> IngestOptions.sanityCheck(c))
                    .hasMessage(
                            "ingest.duplicates.threshold must be a cosine similarity in (0, 1],"
                                    + " got "
                                    + Double.parseDouble(bad));
        }
        Configuration int8 =
                ConfigLoader.load(
                        null, Map.of("ingest.duplicates.threshold", "0.9", "quantization", "int8"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(int8))
                .hasMessage(
                        "ingest.duplicates.threshold compares float vectors; quantization INT8"
                                + " stores others");
        Configuration recent =
                ConfigLoader.load(null, Map.of("ingest.duplicates.recent-chunks", "-1"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(recent))
                .hasMessage("ingest.duplicates.recent-chunks must be >= 0, got -1");
        Configuration slow =
                ConfigLoader.load(
                        null,
                        Map.of(
                                "ingest.duplicates.threshold", "0.9",
                                "ingest.duplicates.timeout", "5 min"));
        assertThatThrownBy(() -> IngestOptions.sanityCheck(slow))
                .hasMessage(
                        "ingest.duplicates.timeout must be shorter than encode.timeout, the"
                                + " duplicate check's operator timeout");
    }
}
