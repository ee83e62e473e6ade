package io.fhs.connectors.kafka;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Where and when a record was read: carried along the pipeline so that a failure at any later stage
 * can still name the source record in its dead letter, and so that the sink can measure freshness
 * (Kafka record timestamp to Qdrant's acknowledgement).
 *
 * @param timestamp the Kafka record's timestamp in ms, or -1 when unknown
 */
@PublicEvolving
public record RecordOrigin(String topic, int partition, long offset, long timestamp)
        implements Serializable {
    /** For writes that did not come from Kafka (tests, tools). */
    public static final RecordOrigin UNKNOWN = new RecordOrigin(null, -1, -1);

    /** An origin without a timestamp. */
    public RecordOrigin(String topic, int partition, long offset) {
        this(topic, partition, offset, -1);
    }

    public static RecordOrigin of(KafkaRecord record) {
        return new RecordOrigin(
                record.topic(), record.partition(), record.offset(), record.timestamp());
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
