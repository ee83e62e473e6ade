package io.fhs.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.testing.SecureKafkaBroker;
import io.fhs.connectors.testing.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KafkaProperties against a SASL_SSL broker: pass-through properties with the JAAS text from a file
 * through Kafka's FileConfigProvider, and the connectivity check on a wrong password.
 */
class SecureKafkaITCase {
    static final ConfigOption<String> BOOTSTRAP =
            ConfigOptions.key("kafka.bootstrap-servers").stringType().noDefaultValue();

    @RegisterExtension static final SecureKafkaBroker KAFKA = new SecureKafkaBroker();

    Configuration conf(String jaasReference, Path secrets) throws Exception {
        Configuration c = new Configuration();
        c.set(BOOTSTRAP, KAFKA.bootstrapServers());
        KAFKA.securitySettings().forEach((k, v) -> c.setString(KafkaProperties.PREFIX + k, v));
        c.setString(KafkaProperties.PREFIX + "config.providers", "file");
        c.setString(
                KafkaProperties.PREFIX + "config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider");
        c.setString(KafkaProperties.PREFIX + "sasl.jaas.config", jaasReference);
        return c;
    }

    static Path secrets(String password) throws Exception {
        Path file = Files.createTempFile("kafka-secrets", ".properties");
        Properties p = new Properties();
        p.setProperty("jaas", SecureKafkaBroker.jaas(SecureKafkaBroker.USER, password));
        try (var out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        return file;
    }

    @Test
    void clientsFromTheConfigurationProduceAndConsumeWithTheSecretFromAFile() throws Exception {
        Path secrets = secrets(KAFKA.password());
        Configuration c = conf("${file:" + secrets + ":jaas}", secrets);
        Properties props = KafkaProperties.from(c, BOOTSTRAP);
        assertThat(props)
                .containsEntry("bootstrap.servers", KAFKA.bootstrapServers())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "${file:" + secrets + ":jaas}");
        assertThat(props.toString()).doesNotContain(KAFKA.password());
        KafkaConnectivity.check(props, Duration.ofSeconds(30));

        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("secured", "k", "over SASL_SSL")).get();
        }
        List<String> values =
                Topics.values(
                        KafkaProperties.from(c, BOOTSTRAP), "secured", 1, Duration.ofSeconds(30));
        assertThat(values).containsExactly("over SASL_SSL");
    }

    @Test
    void aWrongPasswordFailsFastNamingServersAndMechanismButNoSecret() throws Exception {
        String wrong = "wrong-" + System.nanoTime();
        Path secrets = secrets(wrong);
        Properties props =
                KafkaProperties.from(conf("${file:" + secrets + ":jaas}", secrets), BOOTSTRAP);
        long start = System.nanoTime();
        assertThatThrownBy(() -> KafkaConnectivity.check(props, Duration.ofSeconds(30)))
                .isInstanceOf(KafkaConnectionException.class)
                .hasMessageContaining(
                        "Kafka at "
                                + KAFKA.bootstrapServers()
                                + " (SASL_SSL, SASL mechanism PLAIN) rejected the SASL credentials")
                .message()
                .doesNotContain(wrong)
                .doesNotContain(KAFKA.password())
                .doesNotContain("PlainLoginModule");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(15);
    }

    @Test
    void anUntrustedBrokerCertificateFailsFastAsATlsError() throws Exception {
        Properties props = KAFKA.clientProperties();
        props.remove("ssl.truststore.type");
        props.remove("ssl.truststore.location");
        assertThatThrownBy(() -> KafkaConnectivity.check(props, Duration.ofSeconds(30)))
                .isInstanceOf(KafkaConnectionException.class)
                .hasMessageContaining("TLS handshake with Kafka at " + KAFKA.bootstrapServers())
                .message()
                .doesNotContain(KAFKA.password());
    }

    @Test
    void bootstrapServersComeOnlyFromTheirOwnOption() {
        Configuration c = new Configuration();
        c.set(BOOTSTRAP, "a:1");
        c.setString("kafka.properties.bootstrap.servers", "b:2");
        assertThatThrownBy(() -> KafkaProperties.from(c, BOOTSTRAP))
                .hasMessage(
                        "kafka.properties.bootstrap.servers is not used; set"
                                + " kafka.bootstrap-servers instead");
        assertThat(
                        Map.copyOf(
                                KafkaProperties.from(
                                        new Configuration().set(BOOTSTRAP, "a:1"), BOOTSTRAP)))
                .isEqualTo(Map.of("bootstrap.servers", "a:1"));
    }
}
