package io.fhs.connectors.qdrant;

import io.fhs.connectors.qdrant.RejectedWriteHandler.RejectedWrite;
import io.qdrant.client.grpc.Points;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of {@link QdrantWrite}s with {@code wait=true}. A batch runs as a chain of
 * requests (upserts grouped, deletes in order). What happens on a failure depends on its {@link
 * QdrantErrors.Kind}: a transient one retries the writes from the failed request on, after a
 * backoff; a fatal one fails the job; a refusal splits the request in halves until the refused
 * writes stand alone, and each of those (after one immediate repeat) goes to the {@link
 * RejectedWriteHandler}, while the others are written. Without a handler, a refused write fails the
 * job with Qdrant's message.
 *
 * <p>The writer's Qdrant client comes from a {@link QdrantWriteClient.Provider}, so tests can give
 * it one that stands in for the server.
 */
@Internal
class QdrantSinkWriter<InputT> extends AsyncSinkWriter<InputT, QdrantWrite> {
    private static final int FRESHNESS_WINDOW = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(QdrantSinkWriter.class);

    private final QdrantWriteClient.Provider clientProvider;
    private final String collection;
    private final String denseName;
    private final String sparseName;
    private final RetryPolicy retryPolicy;
    // Versioned writes never replace or delete newer versions (see VersionGuard).
    private final boolean guarded;
    // Guarded full deletes of versioned documents leave a tombstone (see Tombstones).
    private final boolean tombstones;
    // Dimensions of the Matryoshka prefix vector written beside the dense one; 0 for none.
    private final int prefixDimension;
    // Consecutive transient failures, across batches: the policy bounds how long they may last.
    private final RetryPolicy.Streak failures;
    private final QdrantWriteClient client;
    private final RejectedWriteHandler.Session rejects;
    private final ScheduledExecutorService retries;
    private final Counter pointsWritten;
    private final Counter deletes;
    private final Counter retriedRequests;
    private final Counter splitRequests;
    private final Counter rejectedWrites;
    // Guarded upserts after which an older version's inserted chunks had to be deleted.
    private final Counter staleDeletes;
    // Kafka record timestamp to Qdrant's acknowledgement, per upserted point.
    private final Histogram freshness;
    private volatile long lastWriteMillis;

    QdrantSinkWriter(
            ElementConverter<InputT, QdrantWrite> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration configuration,
            Collection<BufferedRequestState<QdrantWrite>> state,
            QdrantWriteClient.Provider clientProvider,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy,
            RejectedWriteHandler rejectedWriteHandler) {
        this(
                converter,
                context,
                configuration,
                state,
                clientProvider,
                collection,
                denseName,
                sparseName,
                retryPolicy,
                rejectedWriteHandler,
                false);
    }

    QdrantSinkWriter(
            ElementConverter<InputT, QdrantWrite> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration configuration,
            Collection<BufferedRequestState<QdrantWrite>> state,
            QdrantWriteClient.Provider clientProvider,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy,
            RejectedWriteHandler rejectedWriteHandler,
            boolean guarded) {
        this(
                converter,
                context,
                configuration,
                state,
                clientProvider,
                collection,
                denseName,
                sparseName,
                retryPolicy,
                rejectedWriteHandler,
                guarded,
                false);
    }

    QdrantSinkWriter(
            ElementConverter<InputT, QdrantWrite> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration configuration,
            Collection<BufferedRequestState<QdrantWrite>> state,
            QdrantWriteClient.Provider clientProvider,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy,
            RejectedWriteHandler rejectedWriteHandler,
            boolean guarded,
            boolean tombstones) {
        this(
                converter,
                context,
                configuration,
                state,
                clientProvider,
                collection,
                denseName,
                sparseName,
                retryPolicy,
                rejectedWriteHandler,
                guarded,
                tombstones,
                0);
    }

    QdrantSinkWriter(
            ElementConverter<InputT, QdrantWrite> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration configuration,
            Collection<BufferedRequestState<QdrantWrite>> state,
            QdrantWriteClient.Provider clientProvider,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy,
            RejectedWriteHandler rejectedWriteHandler,
            boolean guarded,
            boolean tombstones,
            int prefixDimension) {
        super(converter, context, configuration, state);
        this.prefixDimension = prefixDimension;
        this.guarded = guarded;
        this.tombstones = guarded && tombstones;
        this.clientProvider = clientProvider;
        this.collection = collection;
        this.denseName = denseName;
        this.sparseName = sparseName;
        this.retryPolicy = retryPolicy;
        this.failures = new RetryPolicy.Streak();
        this.client = clientProvider.open();
        this.rejects = rejectedWriteHandler == null ? null : rejectedWriteHandler.open();
        this.retries = QdrantFutures.scheduler("qdrant-sink-retry-" + collection);
        var metrics = context.metricGroup().addGroup("qdrant");
        this.pointsWritten = metrics.counter("pointsWritten");
        this.deletes = metrics.counter("deletes");
        this.retriedRequests = metrics.counter("retriedRequests");
        this.splitRequests = metrics.counter("splitRequests");
        this.rejectedWrites = metrics.counter("rejectedWrites");
        this.staleDeletes = metrics.counter("staleDeletes");
        metrics.gauge("writeLatencyMs", () -> lastWriteMillis);
        this.freshness =
                metrics.histogram(
                        "freshnessMs", new DescriptiveStatisticsHistogram(FRESHNESS_WINDOW));
    }

    @Override
    protected void submitRequestEntries(
            List<QdrantWrite> entries, ResultHandler<QdrantWrite> handler) {
        new Batch(QdrantRequests.segments(entries), handler).next();
    }

    /** One batch on its way: the requests still to send, and the writes refused so far. */
    private final class Batch {
        private final Deque<QdrantRequests.Segment> todo;
        private final List<RejectedWrite> refused = new ArrayList<>();
        private final ResultHandler<QdrantWrite> handler;

        Batch(List<QdrantRequests.Segment> segments, ResultHandler<QdrantWrite> handler) {
            this.todo = new ArrayDeque<>(segments);
            this.handler = handler;
        }

        void next() {
            QdrantRequests.Segment segment = todo.peekFirst();
            if (segment == null) {
                afterRefusedStored(handler::complete);
                return;
            }
            long start = System.nanoTime();
            CompletableFuture<Points.UpdateResult> future;
            try {
                future = send(segment);
            } catch (RuntimeException e) {
                // A write that cannot even be turned into a request (bad payload JSON) is refused
                // like one the server refuses.
                refused(segment, e.getMessage(), e);
                return;
            }
            future.whenComplete(
                    (result, error) -> {
                        if (error == null) {
                            lastWriteMillis = (System.nanoTime() - start) / 1_000_000;
                            written(segment);
                        } else {
                            failed(segment, RetryPolicy.unwrap(error));
                        }
                    });
        }

        private void written(QdrantRequests.Segment segment) {
            todo.removeFirst();
            if (segment.upsert()) {
                pointsWritten.inc(segment.writes().size());
                long now = System.currentTimeMillis();
                for (QdrantWrite w : segment.writes()) {
                    if (w.origin().timestamp() > 0) {
                        freshness.update(Math.max(0, now - w.origin().timestamp()));
                    }
                }
            } else {
                deletes.inc();
            }
            failures.succeeded();
            next();
        }

        private void failed(QdrantRequests.Segment segment, Throwable t) {
            switch (QdrantErrors.classify(t)) {
                case TRANSIENT -> afterRefusedStored(() -> retryLater(t));
                case FATAL ->
                        handler.completeExceptionally(
                                new QdrantException(
                                        "Qdrant cannot take writes to collection '"
                                                + collection
                                                + "': "
                                                + QdrantErrors.describe(t),
                                        t));
                case REFUSED -> refused(segment, QdrantErrors.describe(t), t);
            }
        }

        private void refused(QdrantRequests.Segment segment, String reason, Throwable t) {
            todo.removeFirst();
            if (segment.writes().size() > 1) {
                splitRequests.inc();
                List<QdrantRequests.Segment> halves = segment.halves();
                todo.addFirst(halves.get(1));
                todo.addFirst(halves.get(0));
            } else if (!segment.repeated()) {
                // Qdrant 1.16 also drops streams with INTERNAL ("end-of-stream mid-frame"): one
                // immediate repeat tells that apart from a refusal.
                todo.addFirst(segment.repeat());
            } else if (rejects == null) {
                handler.completeExceptionally(
                        new QdrantException(
                                "Qdrant rejected a write to collection '"
                                        + collection
                                        + "': "
                                        + reason,
                                t));
                return;
            } else {
                QdrantWrite write = segment.writes().get(0);
                LOG.warn("Qdrant refused {} from {}: {}", write, write.origin(), reason);
                rejectedWrites.inc();
                refused.add(new RejectedWrite(write, reason));
            }
            next();
        }

        /** Runs {@code then} once the refused writes so far are stored by the handler. */
        private void afterRefusedStored(Runnable then) {
            if (refused.isEmpty()) {
                then.run();
                return;
            }
            List<RejectedWrite> stored = List.copyOf(refused);
            refused.clear();
            rejects.reject(stored)
                    .whenComplete(
                            (ok, error) -> {
                                if (error != null) {
                                    handler.completeExceptionally(
                                            new QdrantException(
                                                    "Could not store "
                                                            + stored.size()
                                                            + " writes Qdrant refused",
                                                    error));
                                } else {
                                    then.run();
                                }
                            });
        }

        private void retryLater(Throwable t) {
            List<QdrantWrite> remaining = new ArrayList<>();
            todo.forEach(s -> remaining.addAll(s.writes()));
            long delay = retryPolicy.delayAfter(failures, t);
            if (delay < 0) {
                handler.completeExceptionally(
                        new QdrantException(
                                "Qdrant at "
                                        + clientProvider
                                        + " kept failing for "
                                        + failures.elapsedMillis()
                                        + " ms ("
                                        + failures.failures()
                                        + " attempts): "
                                        + QdrantErrors.describe(t),
                                t));
                return;
            }
            LOG.warn(
                    "Qdrant write of {} entries failed ({}); retry {} in {} ms",
                    remaining.size(),
                    QdrantErrors.describe(t),
                    failures.failures(),
                    delay);
            retriedRequests.inc();
            try {
                retries.schedule(
                        () -> handler.retryForEntries(remaining), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                handler.completeExceptionally(
                        new QdrantException("The Qdrant sink writer is closing", t));
            }
        }
    }

    private CompletableFuture<Points.UpdateResult> send(QdrantRequests.Segment segment) {
        if (segment.upsert()) {
            CompletableFuture<Points.UpdateResult> upserted =
                    client.upsert(
                            QdrantRequests.upsert(
                                    collection,
                                    denseName,
                                    sparseName,
                                    segment.writes(),
                                    guarded,
                                    prefixDimension));
            Map<String, Long> versions =
                    guarded ? VersionGuard.versions(segment.writes()) : Map.of();
            return versions.isEmpty()
                    ? upserted
                    : upserted.thenCompose(result -> deleteStale(versions, result));
        }
        QdrantWrite write = segment.writes().get(0);
        if (write.kind() == QdrantWrite.Kind.SET_PAYLOAD) {
            return client.setPayload(QdrantRequests.setPayload(collection, write, guarded));
        }
        CompletableFuture<Points.UpdateResult> deleted =
                client.delete(QdrantRequests.delete(collection, write, guarded));
        return tombstones && Tombstones.leavesTombstone(write)
                ? deleted.thenCompose(result -> tombstone(write))
                : deleted;
    }

    /**
     * After a guarded delete: its tombstone, and, as after any guarded upsert, the cleanup when a
     * newer version of the document was stored meanwhile (the tombstone must not outlive it). The
     * whole chain is idempotent, so a retry of the delete repeats it.
     */
    private CompletableFuture<Points.UpdateResult> tombstone(QdrantWrite delete) {
        return client.upsert(Tombstones.upsert(collection, delete, System.currentTimeMillis()))
                .thenCompose(
                        result -> deleteStale(Map.of(delete.docId(), delete.version()), result));
    }

    /**
     * After a guarded upsert: the written documents that have a newer version stored lose the
     * points of the version written, which the upsert inserted where the newer version has none.
     */
    private CompletableFuture<Points.UpdateResult> deleteStale(
            Map<String, Long> versions, Points.UpdateResult upserted) {
        return client.facet(VersionGuard.newerDocuments(collection, versions))
                .thenCompose(
                        hits -> {
                            List<String> newer = new ArrayList<>(hits.size());
                            hits.forEach(h -> newer.add(h.getValue().getStringValue()));
                            if (newer.isEmpty()) {
                                return CompletableFuture.completedFuture(upserted);
                            }
                            staleDeletes.inc();
                            LOG.debug("Deleting older versions' points of {}", newer);
                            return client.delete(VersionGuard.staleOf(collection, versions, newer));
                        });
    }

    @Override
    protected long getSizeInBytes(QdrantWrite entry) {
        return entry.sizeInBytes();
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            retries.shutdownNow();
            try {
                client.close();
            } catch (RuntimeException e) {
                // A failing close must not take the TaskManager down with it.
                LOG.warn("Closing the Qdrant client failed", e);
            }
            try {
                if (rejects != null) {
                    rejects.close();
                }
            } catch (RuntimeException e) {
                LOG.warn("Closing the rejected-write handler failed", e);
            }
        }
    }
}
