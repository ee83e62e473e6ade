package io.fhs.connectors.qdrant;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of {@link QdrantWrite}s with {@code wait=true}. A batch runs as a chain of
 * requests (upserts grouped, deletes in order); on a transient failure only the writes from the
 * failed request on are retried, after a backoff; a permanent failure fails the job with Qdrant's
 * message.
 */
class QdrantSinkWriter<InputT> extends AsyncSinkWriter<InputT, QdrantWrite> {
    private static final Logger LOG = LoggerFactory.getLogger(QdrantSinkWriter.class);

    private final QdrantConnection connection;
    private final String collection;
    private final String denseName;
    private final String sparseName;
    private final RetryPolicy retryPolicy;
    private final QdrantClient client;
    private final ScheduledExecutorService retries;
    private final Counter pointsWritten;
    private final Counter deletes;
    private final Counter retriedRequests;
    private volatile long lastWriteMillis;

    // A streak of consecutive failures: its start bounds how long we keep retrying.
    private int failures;
    private long firstFailureNanos;

    QdrantSinkWriter(
            ElementConverter<InputT, QdrantWrite> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration configuration,
            Collection<BufferedRequestState<QdrantWrite>> state,
            QdrantConnection connection,
            String collection,
            String denseName,
            String sparseName,
            RetryPolicy retryPolicy) {
        super(converter, context, configuration, state);
        this.connection = connection;
        this.collection = collection;
        this.denseName = denseName;
        this.sparseName = sparseName;
        this.retryPolicy = retryPolicy;
        this.client = connection.open();
        this.retries =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "qdrant-sink-retry-" + collection);
                            t.setDaemon(true);
                            return t;
                        });
        var metrics = context.metricGroup().addGroup("qdrant");
        this.pointsWritten = metrics.counter("pointsWritten");
        this.deletes = metrics.counter("deletes");
        this.retriedRequests = metrics.counter("retriedRequests");
        metrics.gauge("writeLatencyMs", () -> lastWriteMillis);
    }

    @Override
    protected void submitRequestEntries(
            List<QdrantWrite> entries, ResultHandler<QdrantWrite> handler) {
        run(QdrantRequests.segments(entries), 0, handler);
    }

    private void run(
            List<QdrantRequests.Segment> segments, int index, ResultHandler<QdrantWrite> handler) {
        if (index == segments.size()) {
            synchronized (this) {
                failures = 0;
            }
            handler.complete();
            return;
        }
        QdrantRequests.Segment segment = segments.get(index);
        long start = System.nanoTime();
        ListenableFuture<Points.UpdateResult> future;
        try {
            future =
                    segment.upsert()
                            ? client.upsertAsync(
                                    QdrantRequests.upsert(
                                            collection, denseName, sparseName, segment.writes()))
                            : single(segment.writes().get(0));
        } catch (RuntimeException e) {
            // A write that cannot even be turned into a request (bad payload JSON) is a bug
            // upstream.
            handler.completeExceptionally(
                    new QdrantException("Invalid write for Qdrant: " + e.getMessage(), e));
            return;
        }
        Futures.addCallback(
                future,
                new FutureCallback<>() {
                    @Override
                    public void onSuccess(Points.UpdateResult result) {
                        lastWriteMillis = (System.nanoTime() - start) / 1_000_000;
                        if (segment.upsert()) {
                            pointsWritten.inc(segment.writes().size());
                        } else {
                            deletes.inc();
                        }
                        run(segments, index + 1, handler);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        List<QdrantWrite> remaining = new ArrayList<>();
                        for (int i = index; i < segments.size(); i++) {
                            remaining.addAll(segments.get(i).writes());
                        }
                        fail(t, remaining, handler);
                    }
                },
                MoreExecutors.directExecutor());
    }

    private ListenableFuture<Points.UpdateResult> single(QdrantWrite write) {
        return write.kind() == QdrantWrite.Kind.SET_PAYLOAD
                ? client.setPayloadAsync(QdrantRequests.setPayload(collection, write), null)
                : client.deleteAsync(QdrantRequests.delete(collection, write));
    }

    private void fail(
            Throwable t, List<QdrantWrite> remaining, ResultHandler<QdrantWrite> handler) {
        String reason = QdrantErrors.describe(t);
        if (!QdrantErrors.isTransient(t)) {
            handler.completeExceptionally(
                    new QdrantException(
                            "Qdrant rejected a write to collection '" + collection + "': " + reason,
                            t));
            return;
        }
        int attempt;
        long streakMillis;
        synchronized (this) {
            if (failures++ == 0) {
                firstFailureNanos = System.nanoTime();
            }
            attempt = failures;
            streakMillis = (System.nanoTime() - firstFailureNanos) / 1_000_000;
        }
        if (streakMillis > retryPolicy.maxRetryTime().toMillis()) {
            handler.completeExceptionally(
                    new QdrantException(
                            "Qdrant at "
                                    + connection
                                    + " kept failing for "
                                    + streakMillis
                                    + " ms: "
                                    + reason,
                            t));
            return;
        }
        long delay = retryPolicy.backoffMillis(attempt);
        LOG.warn(
                "Qdrant write of {} entries failed ({}); retry {} in {} ms",
                remaining.size(),
                reason,
                attempt,
                delay);
        retriedRequests.inc();
        retries.schedule(() -> handler.retryForEntries(remaining), delay, TimeUnit.MILLISECONDS);
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
        }
    }
}
