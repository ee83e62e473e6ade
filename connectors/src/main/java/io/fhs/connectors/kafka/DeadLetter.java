package io.fhs.connectors.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Base64;

/**
 * A record that could not be indexed, with the reason: {@code {"error", "field", "source": {topic,
 * partition, offset}, "payload_base64"}}. The original bytes travel base64-encoded so even invalid
 * UTF-8 survives for inspection and replay.
 */
public record DeadLetter(
        String error,
        String field,
        String topic,
        int partition,
        long offset,
        byte[] key,
        byte[] payload)
        implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static DeadLetter of(KafkaRecord record, String field, String error) {
        return new DeadLetter(
                error,
                field,
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                record.value());
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", error);
        if (field != null) {
            node.put("field", field);
        } else {
            node.putNull("field");
        }
        ObjectNode source = node.putObject("source");
        source.put("topic", topic);
        source.put("partition", partition);
        source.put("offset", offset);
        if (payload != null) {
            node.put("payload_base64", Base64.getEncoder().encodeToString(payload));
        } else {
            node.putNull("payload_base64");
        }
        return node.toString();
    }
}
