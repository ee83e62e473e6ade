package io.fhs.connectors.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Turns a job's configuration into Kafka client properties, the same for every client: the job's
 * source and sinks, the calibration consumer and the command-line producers and consumers.
 *
 * <p>Any Kafka client property passes through as {@code kafka.properties.<name>} (as Flink's SQL
 * connector does with {@code properties.*}), e.g. {@code kafka.properties.security.protocol:
 * SASL_SSL}. Secrets stay out of the configuration with Kafka's own config providers: {@code
 * kafka.properties.config.providers: env,file} plus values such as {@code ${env:KAFKA_JAAS}}, which
 * each client resolves when it starts.
 */
@PublicEvolving
public final class KafkaProperties {
    public static final String PREFIX = "kafka.properties.";

    public static final ConfigOption<Duration> CHECK_TIMEOUT =
            ConfigOptions.key("kafka.check-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long the connectivity check before a job starts waits for the"
                                    + " brokers; a wrong password or certificate fails at once.");

    private KafkaProperties() {}

    /**
     * The client properties: {@code bootstrap.servers} from {@code bootstrap}, then every {@code
     * kafka.properties.*} entry verbatim. The environment reaches them through the configuration
     * (the jobs' loader maps KAFKA_BOOTSTRAP_SERVERS to their option), so that -D can beat it.
     */
    public static Properties from(Configuration conf, ConfigOption<String> bootstrap) {
        Properties props = new Properties();
        for (Map.Entry<String, String> e : conf.toMap().entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                String name = e.getKey().substring(PREFIX.length());
                if (name.equals("bootstrap.servers")) {
                    throw new IllegalArgumentException(
                            e.getKey() + " is not used; set " + bootstrap.key() + " instead");
                }
                props.setProperty(name, e.getValue());
            }
        }
        props.setProperty("bootstrap.servers", bootstrapServers(conf, bootstrap));
        return props;
    }

    /** The bootstrap servers {@code option} holds. */
    public static String bootstrapServers(Configuration conf, ConfigOption<String> option) {
        return conf.get(option);
    }

    /**
     * Where and how the clients connect, for messages: servers, protocol and SASL mechanism, never
     * a credential.
     */
    public static String describe(Properties props) {
        String protocol = props.getProperty("security.protocol", "PLAINTEXT");
        String mechanism = props.getProperty("sasl.mechanism", "GSSAPI");
        return props.getProperty("bootstrap.servers")
                + " ("
                + protocol
                + (protocol.startsWith("SASL") ? ", SASL mechanism " + mechanism : "")
                + ")";
    }
}
