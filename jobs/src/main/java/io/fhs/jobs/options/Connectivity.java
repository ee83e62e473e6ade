package io.fhs.jobs.options;

import io.fhs.connectors.kafka.KafkaConnectivity;
import io.fhs.connectors.qdrant.QdrantConnectivity;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;

/** Whether the configured Kafka and Qdrant can be used, asked before a job starts. */
@Internal
public final class Connectivity {
    private Connectivity() {}

    /**
     * Fails within {@code kafka.check-timeout} when Kafka or Qdrant cannot be used as configured
     * (unreachable, wrong password, untrusted certificate, wrong API key).
     */
    public static void check(Configuration conf) {
        KafkaConnectivity.check(
                KafkaOptions.properties(conf), conf.get(KafkaOptions.CHECK_TIMEOUT));
        QdrantConnectivity.check(QdrantOptions.connection(conf));
    }
}
