package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.DeadLetter;
import io.fhs.connectors.kafka.DeadLetterSerializer;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.kafka.KafkaRecordDeserializer;
import io.fhs.connectors.kafka.KafkaRejectedWrites;
import io.fhs.connectors.qdrant.QdrantSink;
import io.fhs.connectors.qdrant.QdrantSinkBuilder;
import io.fhs.connectors.qdrant.QdrantWrite;
import io.fhs.connectors.qdrant.RejectedWriteHandler;
import io.fhs.connectors.qdrant.RetryPolicy;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import java.util.Properties;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The ingest job's ends: the Kafka source, the dead-letter sink and the Qdrant sink. */
@Internal
public final class IngestConnectors {
    private IngestConnectors() {}

    /** The job's source: the topic from the group's committed offsets (else the earliest). */
    public static KafkaSource<KafkaRecord> kafkaSource(Configuration conf, boolean bounded) {
        var builder =
                KafkaSource.<KafkaRecord>builder()
                        .setProperties(KafkaOptions.properties(conf))
                        .setTopics(conf.get(IngestOptions.TOPIC))
                        .setGroupId(conf.get(IngestOptions.GROUP_ID))
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new KafkaRecordDeserializer());
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * The broker's default {@code transaction.max.timeout.ms}: Flink's producers ask for an hour,
     * which a default broker refuses, and a transaction must outlive a checkpoint and a restart.
     */
    static final String TRANSACTION_TIMEOUT_MS = "900000";

    /**
     * The dead-letter topic's sink, with {@link IngestOptions#DEAD_LETTER_GUARANTEE}; every capped
     * letter fits its requests.
     */
    public static KafkaSink<DeadLetter> deadLetterSink(Configuration conf) {
        DeliveryGuarantee guarantee = conf.get(IngestOptions.DEAD_LETTER_GUARANTEE);
        Properties producer = deadLetterProducerConfig(conf);
        KafkaSinkBuilder<DeadLetter> builder =
                KafkaSink.<DeadLetter>builder()
                        .setRecordSerializer(deadLetterSerializer(conf))
                        .setDeliveryGuarantee(guarantee);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            producer.putIfAbsent("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
            builder.setTransactionalIdPrefix(
                    conf.getOptional(IngestOptions.DEAD_LETTER_TRANSACTIONAL_ID_PREFIX)
                            .orElse(conf.get(IngestOptions.GROUP_ID) + "-dead-letters"));
        }
        return builder.setKafkaProducerConfig(producer).build();
    }

    /** The Qdrant sink whose refused writes go to the dead-letter topic (stage qdrant). */
    public static QdrantSink<QdrantWrite> qdrantSinkWithDeadLetters(Configuration conf) {
        return qdrantSink(
                conf,
                new KafkaRejectedWrites(
                        deadLetterProducerConfig(conf), deadLetterSerializer(conf)));
    }

    /** The dead-letter serializer, with its payload cap. */
    public static DeadLetterSerializer deadLetterSerializer(Configuration conf) {
        return new DeadLetterSerializer(
                conf.get(IngestOptions.DEAD_LETTER_TOPIC),
                conf.get(IngestOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES));
    }

    /**
     * The dead-letter producers' properties (the KafkaSink's and the Qdrant sink's rejected
     * writes): the clients' properties, with a request limit that every capped letter fits.
     */
    public static Properties deadLetterProducerConfig(Configuration conf) {
        Properties p = KafkaOptions.properties(conf);
        p.setProperty(
                "max.request.size",
                Integer.toString(
                        DeadLetterSerializer.maxRequestSize(
                                conf.get(IngestOptions.DEAD_LETTER_MAX_PAYLOAD_BYTES))));
        return p;
    }

    /** The Qdrant sink; writes Qdrant refuses fail the job. */
    public static QdrantSink<QdrantWrite> qdrantSink(Configuration conf) {
        return qdrantSink(conf, null);
    }

    /** The Qdrant sink; writes Qdrant refuses go to {@code refused} (null: fail the job). */
    public static QdrantSink<QdrantWrite> qdrantSink(
            Configuration conf, RejectedWriteHandler refused) {
        return QdrantSink.<QdrantWrite>builder()
                .setElementConverter(QdrantSinkBuilder.identity())
                .setConnection(QdrantOptions.connection(conf))
                .setCollection(conf.get(QdrantOptions.COLLECTION))
                .setRetryPolicy(
                        RetryPolicy.DEFAULT.withMaxRetryTime(
                                conf.get(QdrantOptions.WRITE_MAX_RETRY_TIME)))
                .setRejectedWriteHandler(refused)
                .setGuardedWrites(conf.get(IngestOptions.GUARDED_WRITES))
                .setDeleteTombstones(conf.get(IngestOptions.DELETE_TOMBSTONES))
                .setMatryoshkaPrefix(QdrantOptions.matryoshkaDim(conf))
                .build();
    }
}
