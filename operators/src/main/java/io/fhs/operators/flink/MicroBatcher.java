package io.fhs.operators.flink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;

/**
 * Collects single requests into batches and processes each batch on a worker thread: a batch is
 * flushed when it reaches {@code maxBatchSize} items or when its oldest item has waited {@code
 * maxWait}. {@link #submit} never blocks; callers bound the number of outstanding requests (Flink's
 * async operator capacity does), which is what turns a slow model into backpressure.
 *
 * <p>When a batch fails, its items are processed again one by one, so that only the item that fails
 * itself (a text the model cannot take) fails, not the others that happened to share its batch.
 */
@Internal
public final class MicroBatcher<I, O> implements AutoCloseable {
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final Function<List<I>, List<O>> process;
    private final BatchListener listener;
    private final ExecutorService worker;
    private final ScheduledExecutorService timer;

    private List<Pending<I, O>> pending = new ArrayList<>();
    private ScheduledFuture<?> flushTimer;
    private boolean closed;

    /** Observes batches, for metrics. */
    public interface BatchListener {
        void onBatch(int size, long oldestWaitNanos, long processNanos);
    }

    private record Pending<I, O>(I item, CompletableFuture<O> result, long enqueuedNanos) {}

    public MicroBatcher(
            String name,
            int maxBatchSize,
            Duration maxWait,
            Function<List<I>, List<O>> process,
            BatchListener listener) {
        this(name, maxBatchSize, maxWait, 1, process, listener);
    }

    /**
     * With {@code workers} > 1, that many batches run at once ({@code process} must be
     * thread-safe); results still complete per item, so an ordered consumer keeps its order.
     */
    public MicroBatcher(
            String name,
            int maxBatchSize,
            Duration maxWait,
            int workers,
            Function<List<I>, List<O>> process,
            BatchListener listener) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.process = process;
        this.listener = listener;
        this.worker = Executors.newFixedThreadPool(workers, daemon(name + "-worker"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public CompletableFuture<O> submit(I item) {
        CompletableFuture<O> result = new CompletableFuture<>();
        List<Pending<I, O>> full = null;
        synchronized (this) {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("MicroBatcher is closed"));
                return result;
            }
            pending.add(new Pending<>(item, result, System.nanoTime()));
            if (pending.size() >= maxBatchSize) {
                full = takePending();
            } else if (pending.size() == 1) {
                flushTimer = timer.schedule(this::flushByTime, maxWaitNanos, TimeUnit.NANOSECONDS);
            }
        }
        if (full != null) {
            dispatch(full);
        }
        return result;
    }

    private void flushByTime() {
        List<Pending<I, O>> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = takePending();
        }
        dispatch(batch);
    }

    private List<Pending<I, O>> takePending() {
        List<Pending<I, O>> batch = pending;
        pending = new ArrayList<>(maxBatchSize);
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        return batch;
    }

    private void dispatch(List<Pending<I, O>> batch) {
        worker.execute(() -> run(batch));
    }

    private void run(List<Pending<I, O>> batch) {
        long start = System.nanoTime();
        List<I> items = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) {
            items.add(p.item());
        }
        List<O> results;
        try {
            results = apply(items);
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
            } else {
                runOneByOne(batch);
            }
            return;
        }
        long end = System.nanoTime();
        listener.onBatch(batch.size(), start - batch.get(0).enqueuedNanos(), end - start);
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

    private void runOneByOne(List<Pending<I, O>> batch) {
        for (Pending<I, O> p : batch) {
            try {
                p.result().complete(apply(List.of(p.item())).get(0));
            } catch (RuntimeException | Error e) {
                p.result().completeExceptionally(e);
            }
        }
    }

    private List<O> apply(List<I> items) {
        List<O> results = process.apply(items);
        if (results.size() != items.size()) {
            throw new IllegalStateException(
                    "Batch function returned "
                            + results.size()
                            + " results for "
                            + items.size()
                            + " items");
        }
        return results;
    }

    /**
     * Fails what is still queued, lets a batch in flight finish (its resources must outlive it),
     * and stops the threads; safe to call twice. Returns false if a batch was still running after
     * {@code timeout}.
     */
    public boolean close(Duration timeout) {
        List<Pending<I, O>> left;
        synchronized (this) {
            closed = true;
            left = takePending();
        }
        for (Pending<I, O> p : left) {
            p.result().completeExceptionally(new IllegalStateException("MicroBatcher closed"));
        }
        timer.shutdownNow();
        worker.shutdown();
        try {
            return worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
