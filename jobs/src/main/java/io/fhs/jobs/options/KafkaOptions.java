package io.fhs.jobs.options;

import io.fhs.connectors.kafka.KafkaProperties;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Where every Kafka client of the jobs and tools connects, and how: the brokers, the connectivity
 * check, and any client property as {@code kafka.properties.<name>} (see {@link KafkaProperties}).
 */
@PublicEvolving
public final class KafkaOptions {
    private KafkaOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription(
                            "Kafka bootstrap servers; env KAFKA_BOOTSTRAP_SERVERS sets it over the"
                                    + " file, -D over both.");

    /** Declared by the connectors, listed here so that it counts as one of the jobs' options. */
    public static final ConfigOption<Duration> CHECK_TIMEOUT = KafkaProperties.CHECK_TIMEOUT;

    /** Keys under this prefix go to the Kafka clients verbatim, whatever follows it. */
    public static final String PROPERTIES_PREFIX = KafkaProperties.PREFIX;

    /** The client properties of every client the jobs and tools open. */
    public static Properties properties(Configuration conf) {
        return KafkaProperties.from(conf, BOOTSTRAP_SERVERS);
    }

    public static String bootstrapServers(Configuration conf) {
        return KafkaProperties.bootstrapServers(conf, BOOTSTRAP_SERVERS);
    }

    /** Checks values early, naming the option and why. */
    public static void sanityCheck(Configuration conf) {
        OptionChecks.notBlank(conf, BOOTSTRAP_SERVERS);
        OptionChecks.positiveDuration(conf, CHECK_TIMEOUT);
        // Refuses kafka.properties.bootstrap.servers, which would compete with the option.
        properties(conf);
    }
}
