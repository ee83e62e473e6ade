package io.fhs.jobs.query;

import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Results as JSON, keyed by query_id so a client can read its answer by key. */
@Internal
public final class QueryResultSerializer implements KafkaRecordSerializationSchema<QueryResult> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public QueryResultSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            QueryResult result, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                result.queryId().getBytes(StandardCharsets.UTF_8),
                result.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
