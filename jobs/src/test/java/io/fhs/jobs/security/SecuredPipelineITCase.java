package io.fhs.jobs.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.kafka.KafkaConnectionException;
import io.fhs.connectors.kafka.KafkaProperties;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.QdrantException;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.connectors.testing.SecureKafkaBroker;
import io.fhs.connectors.testing.Topics;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.Connectivity;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryJob;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ingest and query jobs end to end over a SASL_SSL Kafka (PLAIN, self-signed certificate) and a
 * Qdrant with TLS and an API key, configured as a user would: {@code kafka.properties.*} with the
 * JAAS text behind Kafka's FileConfigProvider, {@code qdrant.tls.ca-file}, {@code
 * qdrant.api-key-file}. Wrong credentials fail before a job starts, and no secret appears in the
 * log, in exception messages or in dead letters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredPipelineITCase {
    static final String API_KEY = "qdrant-key-" + System.nanoTime();
    static final Path CACM = TestData.cacm();
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder()
                    .slots(1)
                    .withoutKafka()
                    .qdrant(QdrantServer.tls(API_KEY))
                    .build();

    static final QdrantServer QDRANT = PIPELINE.qdrant();

    @RegisterExtension static final SecureKafkaBroker KAFKA = new SecureKafkaBroker();

    static LogCapture log;
    static Path secrets;
    static final List<String> messages = new ArrayList<>();

    @BeforeAll
    static void capture() throws Exception {
        log = LogCapture.install();
        secrets = Files.createTempDirectory("fhs-secrets");
        Files.writeString(secrets.resolve("qdrant-api-key"), API_KEY + "\n");
    }

    @AfterAll
    static void release() {
        if (log != null) {
            log.close();
        }
    }

    /** The options a user's conf file would hold: references to secrets, never secrets. */
    static Configuration conf(String name, String password, String apiKeyFile) throws Exception {
        Path jaas = secrets.resolve(name + ".properties");
        Properties p = new Properties();
        p.setProperty("sasl.jaas.config", SecureKafkaBroker.jaas(SecureKafkaBroker.USER, password));
        try (var out = Files.newOutputStream(jaas)) {
            p.store(out, null);
        }
        Configuration c = new Configuration();
        c.set(KafkaOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        KAFKA.securitySettings().forEach((k, v) -> c.setString(KafkaProperties.PREFIX + k, v));
        c.setString(KafkaProperties.PREFIX + "config.providers", "file");
        c.setString(
                KafkaProperties.PREFIX + "config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        c.setString(
                KafkaProperties.PREFIX + "sasl.jaas.config",
                "${file:" + jaas + ":sasl.jaas.config}");
        c.set(QdrantOptions.URL, QDRANT.url());
        c.set(QdrantOptions.CA_FILE, QDRANT.certificates().cert().toString());
        c.set(QdrantOptions.API_KEY_FILE, apiKeyFile);
        c.set(IngestOptions.TOPIC, name);
        c.set(IngestOptions.DEAD_LETTER_TOPIC, name + "-dlq");
        c.set(IngestOptions.GROUP_ID, name);
        c.set(QdrantOptions.COLLECTION, "secured");
        c.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        c.set(QueryOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        c.set(KafkaProperties.CHECK_TIMEOUT, Duration.ofSeconds(20));
        c.set(QueryOptions.TOPIC, name + "-queries");
        c.set(QueryOptions.RESULTS_TOPIC, name + "-results");
        c.set(QueryOptions.GROUP_ID, name + "-query");
        return c;
    }

    static Configuration good(String name) throws Exception {
        return conf(name, KAFKA.password(), secrets.resolve("qdrant-api-key").toString());
    }

    @Test
    @Order(1)
    void ingestAndQueryRunOverSaslSslAndTls() throws Exception {
        Configuration conf = good("docs");
        List<TextRecord> docs = JsonLines.read(CACM.resolve("corpus.jsonl")).subList(0, 30);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TextRecord d : docs) {
            records.add(record("docs", d.id(), d.toDocumentJson()));
        }
        records.add(record("docs", "bad-1", "{not json"));
        produce(conf, records);

        Connectivity.check(conf);
        CollectionLayout.prepare(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        IngestJob.buildFromKafka(env, conf, true);
        env.execute("secured-ingest");

        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            long points = QdrantCalls.call("count", () -> client.countAsync("secured", null, true));
            assertThat(points).isGreaterThanOrEqualTo(30);
        }
        List<String> deadLetters = readAll(conf, "docs-dlq", 1);
        assertThat(deadLetters)
                .singleElement()
                .satisfies(
                        v ->
                                assertThat(JSON.readTree(v).get("error").asText())
                                        .startsWith("not valid JSON"));
        messages.addAll(deadLetters);

        produce(
                conf,
                List.of(
                        record("docs-queries", "q1", query("q1", "time sharing systems")),
                        record("docs-queries", "q2", query("q2", "parsing of languages"))));
        StreamExecutionEnvironment qenv = StreamExecutionEnvironment.getExecutionEnvironment();
        qenv.setParallelism(1);
        QueryJob.buildFromKafka(qenv, conf, true);
        qenv.execute("secured-query");
        List<String> results = readAll(conf, "docs-results", 2);
        assertThat(results).hasSize(2);
        for (String r : results) {
            JsonNode result = JSON.readTree(r);
            assertThat(result.has("error")).as(r).isFalse();
            assertThat(result.get("hits")).hasSize(10);
            assertThat(result.get("hits").get(0).get("doc_id").asText()).startsWith("CACM-");
        }
    }

    @Test
    @Order(2)
    void aWrongKafkaPasswordFailsBeforeTheJobWithAClearMessage() throws Exception {
        Configuration conf =
                conf(
                        "wrong-pw",
                        "not-" + KAFKA.password(),
                        secrets.resolve("qdrant-api-key").toString());
        long start = System.nanoTime();
        assertThatThrownBy(() -> Connectivity.check(conf))
                .isInstanceOf(KafkaConnectionException.class)
                .hasMessageStartingWith(
                        "Kafka at "
                                + KAFKA.bootstrapServers()
                                + " (SASL_SSL, SASL mechanism PLAIN) rejected the SASL credentials")
                .satisfies(e -> messages.add(trace(e)));
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(15);
    }

    @Test
    @Order(3)
    void aWrongApiKeyOrCaFailsBeforeTheJobWithAClearMessage() throws Exception {
        Path wrongKey = Files.writeString(secrets.resolve("wrong-key"), "wrong-" + API_KEY);
        Configuration conf = conf("wrong-key", KAFKA.password(), wrongKey.toString());
        long start = System.nanoTime();
        assertThatThrownBy(() -> Connectivity.check(conf))
                .isInstanceOf(QdrantException.class)
                .hasMessageContaining("Qdrant at " + QDRANT.url() + " (api key set)")
                .hasMessageContaining("rejected the API key")
                .satisfies(e -> messages.add(trace(e)));

        Configuration wrongCa = good("wrong-ca");
        wrongCa.set(QdrantOptions.CA_FILE, KAFKA.certificates().cert().toString());
        assertThatThrownBy(() -> Connectivity.check(wrongCa))
                .isInstanceOf(QdrantException.class)
                .hasMessageContaining("TLS handshake failed")
                .satisfies(e -> messages.add(trace(e)));
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(20);
    }

    @Test
    @Order(4)
    void noSecretAppearsInTheLogExceptionsOrDeadLetters() {
        String jaas = SecureKafkaBroker.jaas(SecureKafkaBroker.USER, KAFKA.password());
        String logged = log.text();
        // The run was logged at INFO (Kafka's client configs, Flink's job set-up) ...
        assertThat(logged).contains("sasl.jaas.config").contains("SASL_SSL");
        assertThat(messages).hasSizeGreaterThanOrEqualTo(4);
        // ... yet neither the password, nor the JAAS text, nor the API key is in it.
        for (String text : List.of(logged, String.join("\n", messages))) {
            assertThat(text)
                    .doesNotContain(KAFKA.password())
                    .doesNotContain(jaas)
                    .doesNotContain("PlainLoginModule required")
                    .doesNotContain(API_KEY);
        }
    }

    @Test
    void flinkMasksOnlySomeOfTheKeysASecuredSetUpUses() {
        // Flink 2.2.1 hides the values of keys that contain password, jaas.config, api-key (and a
        // few more) wherever it shows a configuration; these are the keys a secured set-up uses.
        for (String key :
                List.of(
                        "kafka.properties.sasl.jaas.config",
                        "kafka.properties.ssl.truststore.password",
                        "kafka.properties.ssl.keystore.password",
                        "kafka.properties.ssl.key.password",
                        "qdrant.api-key-file")) {
            assertThat(GlobalConfiguration.isSensitive(key)).as(key).isTrue();
        }
    }

    static String query(String id, String text) {
        return JSON.createObjectNode().put("query_id", id).put("text", text).toString();
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    static void produce(Configuration conf, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        KafkaOptions.properties(conf),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r).get();
            }
        }
    }

    static List<String> readAll(Configuration conf, String topic, int expected) {
        return Topics.values(
                KafkaOptions.properties(conf), topic, expected, Duration.ofSeconds(30));
    }

    static String trace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
