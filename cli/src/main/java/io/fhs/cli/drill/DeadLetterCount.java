package io.fhs.cli.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead-letter topic from its start and counts its letters by the record they name ({@code
 * source.partition} and {@code source.offset}): at-least-once delivery may write a letter twice
 * after a failure, which is counted, not an error; a bad record without a letter is.
 */
public final class DeadLetterCount implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(300);

    /**
     * {@code found}: bad records sent that have a letter; {@code duplicates}: letters beyond the
     * first for a record; {@code unexpected}: letters for records that were not bad.
     */
    public record Counts(int found, int duplicates, int unexpected) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    // "partition:offset" of the source record -> letters naming it.
    private final Map<String, Integer> letters = new HashMap<>();

    DeadLetterCount(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(new TopicPartition(topic, 0)));
    }

    /** Reads what arrived since the last call; the counts against the bad records sent. */
    Counts counts(Set<String> badRecords) throws IOException {
        while (true) {
            var batch = consumer.poll(POLL);
            if (batch.isEmpty()) {
                break;
            }
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                JsonNode source = JSON.readTree(r.value()).path("source");
                letters.merge(
                        source.path("partition").asInt() + ":" + source.path("offset").asLong(),
                        1,
                        Integer::sum);
            }
        }
        int found = 0;
        int duplicates = 0;
        int unexpected = 0;
        for (Map.Entry<String, Integer> e : letters.entrySet()) {
            if (badRecords.contains(e.getKey())) {
                found++;
                duplicates += e.getValue() - 1;
            } else {
                unexpected++;
            }
        }
        return new Counts(found, duplicates, unexpected);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
