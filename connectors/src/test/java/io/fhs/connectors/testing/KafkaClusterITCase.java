package io.fhs.connectors.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The in-JVM broker really stores and serves records. */
class KafkaClusterITCase {
    @RegisterExtension static final KafkaCluster KAFKA = new KafkaCluster();

    @Test
    void producedRecordsAreConsumedInOrder() throws Exception {
        Properties p = KAFKA.clientProperties();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("roundtrip", "key", "value-" + i)).get();
            }
        }
        List<String> values =
                Topics.values(KAFKA.clientProperties(), "roundtrip", 100, Duration.ofSeconds(30));
        assertThat(values).hasSize(100).startsWith("value-0", "value-1").endsWith("value-99");
    }
}
