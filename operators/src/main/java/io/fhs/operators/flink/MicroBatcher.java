package io.fhs.operators.flink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.flink.annotation.Internal;

/**
 * Collects single requests into batches and processes each batch on a worker thread. A free worker
 * takes a batch once {@code maxBatchSize} items wait or the oldest has waited {@code maxWait}.
 * {@link #submit} never blocks; callers bound the number of outstanding requests (Flink's async
 * operator capacity does), which is what turns a slow model into backpressure.
 *
 * <p>Workers pull: while all of them are busy, requests pile up, and with a {@code length} function
 * the next batch is the {@code maxBatchSize} waiting items of most similar length around the oldest
 * one ({@link SimilarLengths}). So the window that is length-sorted widens with the backlog,
 * exactly when padding costs throughput, while the oldest item is always in the next batch (an
 * ordered consumer never waits on an item passed over).
 *
 * <p>When a batch fails, its items are processed again one by one, so that only the item that fails
 * itself (a text the model cannot take) fails, not the others that happened to share its batch.
 */
@Internal
public final class MicroBatcher<I, O> implements AutoCloseable {
    private final int maxBatchSize;
    private final long maxWaitNanos;
    private final ToIntFunction<? super I> length;
    private final Function<List<I>, List<O>> process;
    private final BatchListener listener;
    private final List<Thread> workers = new ArrayList<>();

    // Guarded by this; in arrival order.
    private final ArrayList<Pending<I, O>> pending = new ArrayList<>();
    private boolean closed;

    /** Observes batches, for metrics. */
    public interface BatchListener {
        void onBatch(int size, long oldestWaitNanos, long processNanos);
    }

    private record Pending<I, O>(
            I item, CompletableFuture<O> result, long enqueuedNanos, int length) {}

    public MicroBatcher(
            String name,
            int maxBatchSize,
            Duration maxWait,
            Function<List<I>, List<O>> process,
            BatchListener listener) {
        this(name, maxBatchSize, maxWait, 1, null, process, listener);
    }

    /**
     * As {@link #MicroBatcher(String, int, Duration, int, ToIntFunction, Function, BatchListener)},
     * batches in arrival order.
     */
    public MicroBatcher(
            String name,
            int maxBatchSize,
            Duration maxWait,
            int workers,
            Function<List<I>, List<O>> process,
            BatchListener listener) {
        this(name, maxBatchSize, maxWait, workers, null, process, listener);
    }

    /**
     * With {@code workers} > 1, that many batches run at once ({@code process} must be
     * thread-safe); results still complete per item, so an ordered consumer keeps its order. With a
     * {@code length} (a text's tokens, say; null for arrival order) batches group similar lengths.
     */
    public MicroBatcher(
            String name,
            int maxBatchSize,
            Duration maxWait,
            int workers,
            ToIntFunction<? super I> length,
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
        this.length = length;
        this.process = process;
        this.listener = listener;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, name + "-worker-" + i);
            t.setDaemon(true);
            this.workers.add(t);
        }
        this.workers.forEach(Thread::start);
    }

    public CompletableFuture<O> submit(I item) {
        CompletableFuture<O> result = new CompletableFuture<>();
        int len = lengthOf(item);
        synchronized (this) {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("MicroBatcher is closed"));
                return result;
            }
            pending.add(new Pending<>(item, result, System.nanoTime(), len));
            // The first item starts a free worker's max-wait clock; a full batch starts it at once.
            if (pending.size() == 1 || pending.size() >= maxBatchSize) {
                notifyAll();
            }
        }
        return result;
    }

    // Only a grouping hint: an item whose length cannot be told still gets its batch.
    private int lengthOf(I item) {
        if (length == null) {
            return 0;
        }
        try {
            return length.applyAsInt(item);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void work() {
        List<Pending<I, O>> batch;
        while ((batch = next()) != null) {
            try {
                run(batch);
            } catch (RuntimeException | Error e) {
                // A listener that throws must not cost a worker: nothing would replace it.
                for (Pending<I, O> p : batch) {
                    p.result().completeExceptionally(e);
                }
            }
        }
    }

    /** Waits until a batch is due and takes it; null once closed. */
    private synchronized List<Pending<I, O>> next() {
        try {
            while (!closed) {
                if (pending.isEmpty()) {
                    wait();
                    continue;
                }
                long due = pending.get(0).enqueuedNanos() + maxWaitNanos - System.nanoTime();
                if (pending.size() < maxBatchSize && due > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, due);
                    continue;
                }
                List<Pending<I, O>> batch = take();
                if (!pending.isEmpty()) {
                    notifyAll(); // what is left may be due for another free worker
                }
                return batch;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Removes the next batch from {@code pending}, in arrival order (the oldest first). */
    private List<Pending<I, O>> take() {
        int n = pending.size();
        List<Pending<I, O>> batch = new ArrayList<>(Math.min(n, maxBatchSize));
        if (length == null || n <= maxBatchSize) {
            List<Pending<I, O>> head = pending.subList(0, Math.min(n, maxBatchSize));
            batch.addAll(head);
            head.clear();
            return batch;
        }
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = pending.get(i).length();
        }
        boolean[] chosen = SimilarLengths.around(lengths, 0, maxBatchSize);
        List<Pending<I, O>> rest = new ArrayList<>(n - maxBatchSize);
        for (int i = 0; i < n; i++) {
            (chosen[i] ? batch : rest).add(pending.get(i));
        }
        pending.clear();
        pending.addAll(rest);
        return batch;
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
            left = new ArrayList<>(pending);
            pending.clear();
            notifyAll();
        }
        for (Pending<I, O> p : left) {
            p.result().completeExceptionally(new IllegalStateException("MicroBatcher closed"));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean finished = true;
        for (Thread t : workers) {
            if (t == Thread.currentThread()) {
                continue; // closed from its own batch function: it ends after this batch
            }
            try {
                TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            finished &= !t.isAlive();
        }
        return finished;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
