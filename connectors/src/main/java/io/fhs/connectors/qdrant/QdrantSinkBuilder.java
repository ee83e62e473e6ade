package io.fhs.connectors.qdrant;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/** Builds a {@link QdrantSink}; every limit has a {@code DEFAULT_*}. */
@PublicEvolving
public class QdrantSinkBuilder<InputT> {
    public static final int DEFAULT_MAX_BATCH_SIZE = 256;
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 1;
    public static final int DEFAULT_MAX_BUFFERED_REQUESTS = 10_000;
    public static final long DEFAULT_MAX_BATCH_SIZE_IN_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 200;
    public static final long DEFAULT_MAX_RECORD_SIZE_IN_BYTES = 4L * 1024 * 1024;
    public static final boolean DEFAULT_GUARDED_WRITES = true;
    public static final boolean DEFAULT_DELETE_TOMBSTONES = false;

    private ElementConverter<InputT, QdrantWrite> converter;
    private QdrantWriteClient.Provider clientProvider;
    private String collection;
    private String denseName = CollectionSpec.DEFAULT_DENSE_NAME;
    private String sparseName = CollectionSpec.DEFAULT_SPARSE_NAME;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
    private int maxBufferedRequests = DEFAULT_MAX_BUFFERED_REQUESTS;
    private long maxBatchSizeInBytes = DEFAULT_MAX_BATCH_SIZE_IN_BYTES;
    private long maxTimeInBufferMs = DEFAULT_MAX_TIME_IN_BUFFER_MS;
    private long maxRecordSizeInBytes = DEFAULT_MAX_RECORD_SIZE_IN_BYTES;
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private RejectedWriteHandler rejectedWriteHandler;
    private boolean guardedWrites = DEFAULT_GUARDED_WRITES;
    private boolean deleteTombstones = DEFAULT_DELETE_TOMBSTONES;
    private int prefixDimension;

    QdrantSinkBuilder() {}

    public QdrantSinkBuilder<InputT> setElementConverter(
            ElementConverter<InputT, QdrantWrite> converter) {
        this.converter = converter;
        return this;
    }

    /** The Qdrant server to write to: each writer opens its own client on it. */
    public QdrantSinkBuilder<InputT> setConnection(QdrantConnection connection) {
        this.clientProvider = connection == null ? null : QdrantWriteClient.grpc(connection);
        return this;
    }

    /**
     * Where each writer gets its client from, instead of {@link #setConnection} (which sets a
     * provider of real clients): a test's stand-in for the server, say.
     */
    public QdrantSinkBuilder<InputT> setClientProvider(QdrantWriteClient.Provider provider) {
        this.clientProvider = provider;
        return this;
    }

    public QdrantSinkBuilder<InputT> setCollection(String collection) {
        this.collection = collection;
        return this;
    }

    public QdrantSinkBuilder<InputT> setVectorNames(String dense, String sparse) {
        this.denseName = dense;
        this.sparseName = sparse;
        return this;
    }

    public QdrantSinkBuilder<InputT> setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
        return this;
    }

    public QdrantSinkBuilder<InputT> setMaxInFlightRequests(int maxInFlightRequests) {
        this.maxInFlightRequests = maxInFlightRequests;
        return this;
    }

    public QdrantSinkBuilder<InputT> setMaxBufferedRequests(int maxBufferedRequests) {
        this.maxBufferedRequests = maxBufferedRequests;
        return this;
    }

    public QdrantSinkBuilder<InputT> setMaxBatchSizeInBytes(long bytes) {
        this.maxBatchSizeInBytes = bytes;
        return this;
    }

    public QdrantSinkBuilder<InputT> setMaxTimeInBufferMs(long millis) {
        this.maxTimeInBufferMs = millis;
        return this;
    }

    public QdrantSinkBuilder<InputT> setMaxRecordSizeInBytes(long bytes) {
        this.maxRecordSizeInBytes = bytes;
        return this;
    }

    public QdrantSinkBuilder<InputT> setRetryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = retryPolicy;
        return this;
    }

    /**
     * Where writes that Qdrant refuses for good go, so the job goes on; without one (the default)
     * such a write fails the job.
     */
    public QdrantSinkBuilder<InputT> setRejectedWriteHandler(RejectedWriteHandler handler) {
        this.rejectedWriteHandler = handler;
        return this;
    }

    /**
     * Whether writes that carry a version ({@link QdrantWrite#withVersion}) are conditional on the
     * stored points' version, so that an older version never replaces or deletes a newer one
     * (default true). Writes without a version are unconditional either way.
     */
    public QdrantSinkBuilder<InputT> setGuardedWrites(boolean guarded) {
        this.guardedWrites = guarded;
        return this;
    }

    /**
     * Whether a guarded delete of a whole versioned document leaves a tombstone (see {@link
     * Tombstones}), so that an older version written afterwards, by a second writer or a replay,
     * stays deleted (default false). Needs guarded writes.
     */
    public QdrantSinkBuilder<InputT> setDeleteTombstones(boolean tombstones) {
        this.deleteTombstones = tombstones;
        return this;
    }

    /**
     * Also store the first {@code dimension} values of each dense vector, normalized, as the named
     * vector {@link MatryoshkaPrefix#VECTOR_NAME}: the first stage of a two-stage search (0, the
     * default: none).
     */
    public QdrantSinkBuilder<InputT> setMatryoshkaPrefix(int dimension) {
        if (dimension < 0) {
            throw new IllegalArgumentException(
                    "Matryoshka prefix dimension must be >= 0, got " + dimension);
        }
        this.prefixDimension = dimension;
        return this;
    }

    public QdrantSink<InputT> build() {
        if (converter == null) {
            throw new IllegalArgumentException(
                    "QdrantSink needs an element converter (setElementConverter)");
        }
        if (clientProvider == null) {
            throw new IllegalArgumentException("QdrantSink needs a connection (setConnection)");
        }
        if (deleteTombstones && !guardedWrites) {
            throw new IllegalArgumentException(
                    "Delete tombstones need guarded writes: only a guarded upsert respects them");
        }
        if (collection == null || collection.isBlank()) {
            throw new IllegalArgumentException(
                    "QdrantSink needs a collection name (setCollection)");
        }
        return new QdrantSink<>(
                converter,
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxBatchSizeInBytes,
                maxTimeInBufferMs,
                maxRecordSizeInBytes,
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

    /** The identity converter, for streams of {@link QdrantWrite}. */
    public static ElementConverter<QdrantWrite, QdrantWrite> identity() {
        return (write, context) -> write;
    }
}
