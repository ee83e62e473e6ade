package io.fhs.connectors.qdrant;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a manual clock, for tests of retries: {@link #runAll} runs what is due in order
 * and moves the clock to each task's time, so backoffs and deadlines are checked without waiting.
 * It records every delay it was asked for.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    final List<Long> delaysMillis = new ArrayList<>();
    private long nowNanos;
    private long sequence;
    private boolean shutdown;

    long nanoTime() {
        return nowNanos;
    }

    void advanceMillis(long millis) {
        nowNanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Runs tasks, earliest first, until none is left; the clock ends at the last one's time. */
    void runAll() {
        for (Task t = queue.poll(); t != null; t = queue.poll()) {
            nowNanos = Math.max(nowNanos, t.dueNanos);
            t.run();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        delaysMillis.add(unit.toMillis(delay));
        Task t = new Task(command, nowNanos + unit.toNanos(delay), sequence++);
        queue.add(t);
        return t;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
            Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
            Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task extends CompletableFuture<Void>
            implements ScheduledFuture<Void>, Runnable, Comparable<Delayed> {
        private final Runnable command;
        private final long dueNanos;
        private final long order;

        Task(Runnable command, long dueNanos, long order) {
            this.command = command;
            this.dueNanos = dueNanos;
            this.order = order;
        }

        @Override
        public void run() {
            if (!isDone()) {
                command.run();
                complete(null);
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task o = (Task) other;
            int byTime = Long.compare(dueNanos, o.dueNanos);
            return byTime != 0 ? byTime : Long.compare(order, o.order);
        }
    }
}
