package io.fhs.connectors.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what a topic holds, for assertions, with a deadline instead of a fixed wait. */
public final class Topics {
    private static final Duration POLL = Duration.ofMillis(200);

    private Topics() {}

    /**
     * The records of {@code topic} from its start, read with {@code client} (bootstrap servers and
     * security) under a fresh group, until {@code enough} holds for those read or {@code timeout}
     * has passed; the caller asserts on what came.
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(
            Properties client,
            String topic,
            Duration timeout,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> enough) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("group.id", "reader-" + topic + "-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!enough.test(records) && System.nanoTime() - deadline < 0) {
                consumer.poll(POLL).forEach(records::add);
            }
        }
        return records;
    }

    /** The first {@code expected} values of {@code topic} as UTF-8 (fewer if they do not come). */
    public static List<String> values(
            Properties client, String topic, int expected, Duration timeout) {
        return read(client, topic, timeout, r -> r.size() >= expected).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }
}
