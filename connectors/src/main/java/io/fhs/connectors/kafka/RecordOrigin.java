package io.fhs.connectors.kafka;

import java.io.Serializable;

/**
 * Where a record was read: carried along the pipeline so that a failure at any later stage can
 * still name the source record in its dead letter.
 */
public record RecordOrigin(String topic, int partition, long offset) implements Serializable {
    /** For writes that did not come from Kafka (tests, tools). */
    public static final RecordOrigin UNKNOWN = new RecordOrigin(null, -1, -1);

    public static RecordOrigin of(KafkaRecord record) {
        return new RecordOrigin(record.topic(), record.partition(), record.offset());
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
