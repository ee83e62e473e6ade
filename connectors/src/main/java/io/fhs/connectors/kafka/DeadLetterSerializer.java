package io.fhs.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes dead letters as JSON, keyed like the original record. Payload and key are capped so that
 * every letter fits a producer whose {@code max.request.size} is {@link #maxRequestSize}.
 */
@PublicEvolving
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    /** Default cap on the payload bytes a letter copies. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

    /** Longest key a letter keeps: ids are short; a longer key is a hostile record. */
    public static final int MAX_KEY_BYTES = 4 * 1024;

    // The envelope besides the payload: error, field and doc id (each <= 8 Ki characters, up to 6
    // bytes escaped), source, key (<= 4 KiB), record overhead.
    private static final int ENVELOPE_BYTES = 256 * 1024;

    private final String topic;
    private final int maxPayloadBytes;

    public DeadLetterSerializer(String topic) {
        this(topic, DEFAULT_MAX_PAYLOAD_BYTES);
    }

    public DeadLetterSerializer(String topic, int maxPayloadBytes) {
        if (maxPayloadBytes < 0) {
            throw new IllegalArgumentException(
                    "maxPayloadBytes must be >= 0, got " + maxPayloadBytes);
        }
        this.topic = topic;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** The producer's {@code max.request.size} that every letter with this payload cap fits. */
    public static int maxRequestSize(int maxPayloadBytes) {
        long base64 = 4L * ((maxPayloadBytes + 2) / 3);
        return (int) Math.min(Integer.MAX_VALUE, base64 + ENVELOPE_BYTES);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        return record(letter, timestamp);
    }

    /** The letter as the record that goes to the topic. */
    public ProducerRecord<byte[], byte[]> record(DeadLetter letter, Long timestamp) {
        byte[] key = letter.key();
        if (key != null && key.length > MAX_KEY_BYTES) {
            key = Arrays.copyOf(key, MAX_KEY_BYTES);
        }
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                key,
                letter.toJson(maxPayloadBytes).getBytes(StandardCharsets.UTF_8));
    }
}
