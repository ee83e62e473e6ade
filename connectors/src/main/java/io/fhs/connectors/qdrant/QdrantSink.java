package io.fhs.connectors.qdrant;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink sink that upserts and deletes Qdrant points, on the {@link AsyncSinkBase} pattern:
 * batches bounded by count, bytes and time, a bound on requests in flight, buffered writes in
 * checkpoints (at-least-once; with deterministic point ids, replays overwrite rather than
 * duplicate), retries with backoff of transient failures only; writes Qdrant refuses go to the
 * {@link RejectedWriteHandler}, when there is one. Versioned writes are guarded by default: they
 * never replace or delete points of a newer version of their document.
 *
 * <p>Keep {@code maxInFlightRequests} at 1 when the same document can be written twice in quick
 * succession (an update after a delete): concurrent requests may then land in either order.
 */
@PublicEvolving
public class QdrantSink<InputT> extends AsyncSinkBase<InputT, QdrantWrite> {
    private static final long serialVersionUID = 1L;

    private final QdrantWriteClient.Provider clientProvider;
    private final String collection;
    private final String denseName;
    private final String sparseName;
    private final RetryPolicy retryPolicy;
    private final RejectedWriteHandler rejectedWriteHandler;
    private final boolean guardedWrites;
    private final boolean deleteTombstones;
    // Dimensions of the stored Matryoshka prefix vector; 0 for none.
    private final int prefixDimension;

    QdrantSink(
            ElementConverter<InputT, QdrantWrite> converter,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMs,
            long maxRecordSizeInBytes,
            QdrantWriteClient.Provider clientProvider,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy,
            RejectedWriteHandler rejectedWriteHandler,
            boolean guardedWrites,
            boolean deleteTombstones,
            int prefixDimension) {
        super(
                converter,
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxBatchSizeInBytes,
                maxTimeInBufferMs,
                maxRecordSizeInBytes);
        this.clientProvider = Objects.requireNonNull(clientProvider, "clientProvider");
        this.collection = Objects.requireNonNull(collection, "collection");
        this.denseName = denseName;
        this.sparseName = sparseName;
        this.retryPolicy = retryPolicy;
        this.rejectedWriteHandler = rejectedWriteHandler;
        this.guardedWrites = guardedWrites;
        this.deleteTombstones = deleteTombstones;
        this.prefixDimension = prefixDimension;
    }

    public static <InputT> QdrantSinkBuilder<InputT> builder() {
        return new QdrantSinkBuilder<>();
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<QdrantWrite>> createWriter(
            WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<InputT, BufferedRequestState<QdrantWrite>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<QdrantWrite>> state) {
        AsyncSinkWriterConfiguration config =
                AsyncSinkWriterConfiguration.builder()
                        .setMaxBatchSize(getMaxBatchSize())
                        .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                        .setMaxInFlightRequests(getMaxInFlightRequests())
                        .setMaxBufferedRequests(getMaxBufferedRequests())
                        .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                        .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                        .build();
        return new QdrantSinkWriter<>(
                getElementConverter(),
                context,
                config,
                state,
                clientProvider,
                collection,
                denseName,
                sparseName,
                retryPolicy,
                rejectedWriteHandler,
                guardedWrites,
                deleteTombstones,
                prefixDimension);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<QdrantWrite>> getWriterStateSerializer() {
        return new QdrantWriteSerializer();
    }
}
