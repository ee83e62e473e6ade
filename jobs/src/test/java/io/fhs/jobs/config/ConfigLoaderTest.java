package io.fhs.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final Map<String, String> NO_ENV = Map.of();

    @TempDir Path tmp;

    Path file(String yaml) throws Exception {
        Path f = tmp.resolve("options.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsLoseToTheFileWhichLosesToTheEnvironmentWhichLosesToTheCommandLine()
            throws Exception {
        assertThat(ConfigLoader.load(null, Map.of(), NO_ENV).get(QdrantOptions.URL))
                .as("built-in default")
                .isEqualTo("http://127.0.0.1:6333");
        Path f = file("qdrant.url: http://from-file:6333\n");
        assertThat(ConfigLoader.load(f, Map.of(), NO_ENV).get(QdrantOptions.URL))
                .isEqualTo("http://from-file:6333");
        Map<String, String> env = Map.of("QDRANT_URL", "http://from-env:6333");
        assertThat(ConfigLoader.load(f, Map.of(), env).get(QdrantOptions.URL))
                .isEqualTo("http://from-env:6333");
        assertThat(
                        ConfigLoader.load(f, Map.of("qdrant.url", "http://from-d:6333"), env)
                                .get(QdrantOptions.URL))
                .isEqualTo("http://from-d:6333");
    }

    @Test
    void profilesBeatTheFileInOrderAndLoseToTheEnvironmentAndD() throws Exception {
        Path f = file("qdrant.url: http://from-file:6333\nqdrant.collection: docs\n");
        Path p1 = tmp.resolve("p1.yaml");
        Files.writeString(p1, "qdrant.url: http://from-p1:6333\nqdrant.collection: p1\n");
        Path p2 = tmp.resolve("p2.yaml");
        Files.writeString(p2, "qdrant.collection: p2\n");
        Configuration c = ConfigLoader.load(f, List.of(p1, p2), Map.of(), NO_ENV);
        assertThat(c.get(QdrantOptions.URL)).isEqualTo("http://from-p1:6333");
        assertThat(c.get(QdrantOptions.COLLECTION)).isEqualTo("p2");
        Map<String, String> env = Map.of("QDRANT_URL", "http://from-env:6333");
        assertThat(ConfigLoader.load(f, List.of(p1), Map.of(), env).get(QdrantOptions.URL))
                .isEqualTo("http://from-env:6333");
        assertThat(
                        ConfigLoader.load(f, List.of(p1), Map.of("qdrant.collection", "d"), NO_ENV)
                                .get(QdrantOptions.COLLECTION))
                .isEqualTo("d");
        Configuration fromArgs =
                ConfigLoader.load(
                        new String[] {"--config", f.toString(), "--profile", p2.toString()});
        assertThat(fromArgs.get(QdrantOptions.COLLECTION)).isEqualTo("p2");
        Files.writeString(p2, "qdrant.colection: typo\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of(p2), Map.of(), NO_ENV))
                .hasMessageContaining("qdrant.colection")
                .hasMessageContaining("p2.yaml");
    }

    /** The defect this loader fixes: KAFKA_BOOTSTRAP_SERVERS used to beat an explicit -D. */
    @Test
    void anExplicitDBeatsTheKafkaEnvironmentVariableInTheClientsProperties() throws Exception {
        Path f = file("kafka.bootstrap-servers: file:9092\n");
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092");
        Configuration fromEnv = ConfigLoader.load(f, Map.of(), env);
        assertThat(KafkaOptions.properties(fromEnv).getProperty("bootstrap.servers"))
                .isEqualTo("env:9092");
        Configuration fromD =
                ConfigLoader.load(f, Map.of("kafka.bootstrap-servers", "cli:9092"), env);
        assertThat(KafkaOptions.properties(fromD).getProperty("bootstrap.servers"))
                .isEqualTo("cli:9092");
        assertThat(KafkaOptions.bootstrapServers(fromD)).isEqualTo("cli:9092");
    }

    @Test
    void blankAndUnrelatedEnvironmentVariablesChangeNothing() throws Exception {
        Path f = file("qdrant.url: http://from-file:6333\n");
        Configuration c =
                ConfigLoader.load(f, Map.of(), Map.of("QDRANT_URL", " ", "QDRANT_COLLECTION", "x"));
        assertThat(c.get(QdrantOptions.URL)).isEqualTo("http://from-file:6333");
        assertThat(c.get(QdrantOptions.COLLECTION)).isEqualTo("documents");
    }

    @Test
    void aTypoInTheFileFailsWithTheKeyTheFileAndTheNearestKnownKey() throws Exception {
        Path f = file("qdrant.url: http://q:6333\nqdrant.colection: docs\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), NO_ENV))
                .isInstanceOf(UnknownOptionException.class)
                .hasMessage(
                        "Unknown option 'qdrant.colection' in "
                                + f
                                + "; the nearest known option is 'qdrant.collection'");
    }

    @Test
    void aTypoInDFailsWithTheNearestKnownKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("encode.batchsize", "8"), NO_ENV))
                .isInstanceOfSatisfying(
                        UnknownOptionException.class,
                        e -> {
                            assertThat(e.key()).isEqualTo("encode.batchsize");
                            assertThat(e.nearest()).isEqualTo("encode.batch-size");
                        })
                .hasMessageContaining("in -D");
    }

    @Test
    void flinksOwnKeysPassAndTheirTyposAreCaughtToo() throws Exception {
        Path f =
                file(
                        "restart-strategy.type: fixed-delay\n"
                                + "restart-strategy.fixed-delay.attempts: 2\n"
                                + "execution.checkpointing.interval: 5 s\n"
                                + "parallelism.default: 2\n"
                                + "pipeline.object-reuse: true\n"
                                + "state.backend.type: hashmap\n"
                                + "taskmanager.numberOfTaskSlots: 4\n"
                                + "metrics.reporter.prom.factory.class: x.PrometheusReporterFactory\n"
                                + "metrics.reporter.prom.port: 9249\n");
        Configuration c = ConfigLoader.load(f, Map.of(), NO_ENV);
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(c.toMap()).containsEntry("metrics.reporter.prom.port", "9249");
        assertThatThrownBy(
                        () -> ConfigLoader.load(null, Map.of("restart-strategy.typ", "x"), NO_ENV))
                .isInstanceOfSatisfying(
                        UnknownOptionException.class,
                        e -> assertThat(e.nearest()).isEqualTo("restart-strategy.type"));
    }

    @Test
    void kafkaClientPropertiesPassThroughVerbatim() throws Exception {
        Path f =
                file(
                        "kafka.properties.security.protocol: SASL_SSL\n"
                                + "kafka.properties.sasl.mechanism: SCRAM-SHA-512\n");
        Configuration c =
                ConfigLoader.load(f, Map.of("kafka.properties.client.id", "fhs-test"), NO_ENV);
        Properties p = KafkaOptions.properties(c);
        assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(p.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(p.getProperty("client.id")).isEqualTo("fhs-test");
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void jobArgumentsAreTheConfigFileAndDOverrides() throws Exception {
        Path f = file("ingest.topic: from-file\ningest.checkpoint-interval: 2 s\n");
        Configuration c =
                ConfigLoader.load(new String[] {"--config", f.toString(), "-Dingest.topic=a=b"});
        assertThat(c.get(IngestOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.get(IngestOptions.TOPIC)).as("split at the first =").isEqualTo("a=b");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--topic", "x"}))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "Unknown argument '--topic'; expected --config FILE, --profile FILE or"
                                + " -Dkey=value");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"-Dingest.topik=x"}))
                .isInstanceOf(UnknownOptionException.class)
                .hasMessageContaining("'ingest.topic'");
    }
}
