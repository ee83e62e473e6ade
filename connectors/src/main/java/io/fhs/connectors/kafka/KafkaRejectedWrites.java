package io.fhs.connectors.kafka;

import io.fhs.connectors.qdrant.QdrantWrite;
import io.fhs.connectors.qdrant.RejectedWriteHandler;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends writes Qdrant refused to the dead-letter topic ({@code "stage": "qdrant"}), with a plain
 * producer configured like the job's dead-letter sink.
 */
@PublicEvolving
public final class KafkaRejectedWrites implements RejectedWriteHandler {
    private static final long serialVersionUID = 1L;

    private final Properties producerConfig;
    private final DeadLetterSerializer serializer;

    /**
     * @param producerConfig the dead-letter sink's producer properties (bootstrap servers,
     *     security, {@code max.request.size})
     */
    public KafkaRejectedWrites(Properties producerConfig, DeadLetterSerializer serializer) {
        this.producerConfig = new Properties();
        this.producerConfig.putAll(producerConfig);
        this.serializer = serializer;
    }

    @Override
    public Session open() {
        return new KafkaSession(
                new KafkaProducer<>(
                        producerConfig, new ByteArraySerializer(), new ByteArraySerializer()),
                serializer);
    }

    /** The letter for a refused write. */
    public static DeadLetter letter(RejectedWrite rejected) {
        QdrantWrite w = rejected.write();
        return DeadLetter.failed(
                DeadLetter.Stage.QDRANT,
                w.origin(),
                w.docId(),
                w.kind() == QdrantWrite.Kind.UPSERT ? w.chunk() : -1,
                "Qdrant refused " + w + ": " + rejected.reason());
    }

    private record KafkaSession(
            KafkaProducer<byte[], byte[]> producer, DeadLetterSerializer serializer)
            implements Session {
        @Override
        public CompletableFuture<Void> reject(List<RejectedWrite> rejected) {
            CompletableFuture<?>[] acks = new CompletableFuture<?>[rejected.size()];
            for (int i = 0; i < acks.length; i++) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                acks[i] = ack;
                try {
                    producer.send(
                            serializer.record(letter(rejected.get(i)), null),
                            (metadata, error) -> {
                                if (error != null) {
                                    ack.completeExceptionally(error);
                                } else {
                                    ack.complete(null);
                                }
                            });
                } catch (RuntimeException e) {
                    ack.completeExceptionally(e);
                }
            }
            return CompletableFuture.allOf(acks);
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
