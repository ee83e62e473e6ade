package io.fhs.connectors.kafka;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A Kafka record as read, before any parsing: where it came from and its raw key and value. Bad
 * records must still be routable to the dead-letter topic, so nothing is decoded here.
 */
@PublicEvolving
public record KafkaRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value)
        implements Serializable {

    /** A null value: Kafka's tombstone, meaning "delete the document of this key". */
    public boolean isTombstone() {
        return value == null;
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
