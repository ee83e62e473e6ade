package io.fhs.connectors.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * A record that could not be indexed, with the stage that refused it and why: {@code {"stage",
 * "error", "field", "doc_id", "chunk", "source": {topic, partition, offset}, "payload_base64",
 * "payload_bytes", "payload_truncated"}}. The original bytes travel base64-encoded so even invalid
 * UTF-8 survives for inspection and replay; {@link #toJson(int)} caps them so a letter always fits
 * the producer's request limit.
 *
 * @param chunk the chunk a later stage failed on, or -1 for the record as a whole
 * @param payload the record's value as read (validation), or null where a later stage no longer
 *     holds it: {@code source} then locates the record
 */
@PublicEvolving
public record DeadLetter(
        Stage stage,
        String error,
        String field,
        String docId,
        int chunk,
        RecordOrigin origin,
        byte[] key,
        byte[] payload)
        implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Longest error message and field name a letter carries, in characters. */
    public static final int MAX_TEXT_CHARS = 8 * 1024;

    /** The pipeline stage that gave up on the record. */
    public enum Stage {
        VALIDATE,
        CHUNK,
        ENCODE,
        QDRANT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The operator's count of letters from this stage: {@code deadLetters} in the group {@code
         * stage=<label>}, which Prometheus shows as one series per stage label.
         */
        public Counter counter(MetricGroup operator) {
            return operator.addGroup("stage", label()).counter("deadLetters");
        }
    }

    /** A record that breaks the input contract, with its bytes. */
    public static DeadLetter invalid(KafkaRecord record, String field, String error) {
        return new DeadLetter(
                Stage.VALIDATE,
                error,
                field,
                null,
                -1,
                RecordOrigin.of(record),
                record.key(),
                record.value());
    }

    /** A valid document that a later stage failed on; its key is the document id. */
    public static DeadLetter failed(
            Stage stage, RecordOrigin origin, String docId, int chunk, String error) {
        return new DeadLetter(
                stage,
                error,
                null,
                docId,
                chunk,
                origin,
                docId == null ? null : docId.getBytes(StandardCharsets.UTF_8),
                null);
    }

    /** The letter as JSON, with at most {@code maxPayloadBytes} of the payload copied. */
    public String toJson(int maxPayloadBytes) {
        ObjectNode node = JSON.createObjectNode();
        node.put("stage", stage.label());
        node.put("error", cut(error, MAX_TEXT_CHARS));
        node.put("field", cut(field, MAX_TEXT_CHARS));
        node.put("doc_id", cut(docId, MAX_TEXT_CHARS));
        if (chunk >= 0) {
            node.put("chunk", chunk);
        }
        ObjectNode source = node.putObject("source");
        source.put("topic", origin.topic());
        source.put("partition", origin.partition());
        source.put("offset", origin.offset());
        if (payload != null) {
            boolean truncated = payload.length > maxPayloadBytes;
            byte[] kept = truncated ? Arrays.copyOf(payload, maxPayloadBytes) : payload;
            node.put("payload_base64", Base64.getEncoder().encodeToString(kept));
            node.put("payload_bytes", payload.length);
            node.put("payload_truncated", truncated);
        } else {
            node.putNull("payload_base64");
        }
        return node.toString();
    }

    private static String cut(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        return s.substring(0, maxChars) + "... (" + s.length() + " characters)";
    }
}
