package io.fhs.cli.bench;

import io.fhs.connectors.kafka.KafkaProperties;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The keys of every record in the ingest job's dead-letter topic (a dead letter is keyed like the
 * record it refuses), read from the beginning to the end offsets of now.
 */
final class DeadLetterKeys {
    private static final Duration POLL = Duration.ofMillis(200);

    private DeadLetterKeys() {}

    /** The keys; none when the topic does not exist yet (nothing was refused). */
    static Set<String> read(Configuration conf) {
        String topic = conf.get(IngestOptions.DEAD_LETTER_TOPIC);
        Properties p = KafkaOptions.properties(conf);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        Duration timeout = conf.get(KafkaProperties.CHECK_TIMEOUT);
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            if (partitions.isEmpty()) {
                return keys;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new SoakException(
                            "Reading the dead-letter topic " + topic + " took over " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.key() != null) {
                        keys.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return keys;
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
