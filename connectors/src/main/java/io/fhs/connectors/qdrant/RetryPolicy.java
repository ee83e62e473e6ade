package io.fhs.connectors.qdrant;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The one retry policy of every Qdrant call (sink writes, searches, set-up calls): exponential
 * backoff, bounded by a number of attempts and by the time a streak of failures may last. What is
 * worth retrying is {@link QdrantErrors}' call, never the caller's.
 *
 * <p>Retries wait on a {@link ScheduledExecutorService} the caller owns (never a JVM-wide pool: in
 * a Flink session cluster shared threads outlive a cancelled job's classloader), so no thread
 * blocks while it waits.
 *
 * @param initialBackoff the wait before the first retry; each further one doubles it
 * @param maxBackoff the longest wait between two attempts
 * @param maxAttempts attempts in a streak, the first included ({@link Integer#MAX_VALUE}: no bound)
 * @param maxRetryTime how long a streak may last from its first failure: a Qdrant restart takes
 *     seconds; an outage longer than this fails the call (the sink: the job, which then restarts
 *     from its last checkpoint instead of hanging)
 */
@PublicEvolving
public record RetryPolicy(
        Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration maxRetryTime)
        implements Serializable {
    /** For sink writes: as many attempts as five minutes allow. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(
                    Duration.ofMillis(100),
                    Duration.ofSeconds(5),
                    Integer.MAX_VALUE,
                    Duration.ofMinutes(5));

    /** For searches: quick attempts; a query's own deadline usually ends them first. */
    public static final RetryPolicy SEARCH =
            new RetryPolicy(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 8, Duration.ofSeconds(30));

    /**
     * For set-up calls and tools (collection checks, scrolls, counts): Qdrant 1.16's gRPC server
     * occasionally drops a response stream under load, and a repeat gets past it.
     */
    public static final RetryPolicy SETUP =
            new RetryPolicy(
                    Duration.ofMillis(100), Duration.ofSeconds(2), 5, Duration.ofMinutes(1));

    public RetryPolicy {
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "Backoff must satisfy 0 <= initial <= max, got "
                            + initialBackoff
                            + " and "
                            + maxBackoff);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (maxRetryTime.isNegative()) {
            throw new IllegalArgumentException("maxRetryTime must not be negative");
        }
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(initialBackoff, maxBackoff, attempts, maxRetryTime);
    }

    public RetryPolicy withMaxRetryTime(Duration time) {
        return new RetryPolicy(initialBackoff, maxBackoff, maxAttempts, time);
    }

    /** Backoff before retry number {@code retry} (1-based), before the time bound clips it. */
    long backoffMillis(int retry) {
        long delay = initialBackoff.toMillis() << Math.min(retry - 1, 20);
        return Math.min(Math.max(delay, 0), maxBackoff.toMillis());
    }

    /**
     * Records {@code failure} in {@code streak}; returns how many milliseconds to wait before the
     * next attempt, or -1 when there is none: the failure is not worth repeating, the streak was
     * stopped, its attempts are spent, or it has lasted {@code maxRetryTime}. The last wait is
     * clipped to what is left of that time.
     */
    long delayAfter(Streak streak, Throwable failure) {
        int failures = streak.failed(failure);
        if (streak.stopped()
                || failures >= maxAttempts
                || !QdrantErrors.isWorthRepeating(failure)) {
            return -1;
        }
        long left = maxRetryTime.toMillis() - streak.elapsedMillis();
        return left <= 0 ? -1 : Math.min(backoffMillis(failures), left);
    }

    /**
     * Runs {@code call}, and again after each failure this policy retries, until one succeeds.
     * Completes with its result, or exceptionally with a {@link QdrantException} that names {@code
     * what} and has the last failure as its cause.
     */
    public <T> CompletableFuture<T> retry(
            String what,
            Supplier<? extends CompletionStage<T>> call,
            ScheduledExecutorService scheduler) {
        return retry(what, call, scheduler, new Streak());
    }

    /**
     * As {@link #retry(String, Supplier, ScheduledExecutorService)}, counting in {@code streak}.
     */
    public <T> CompletableFuture<T> retry(
            String what,
            Supplier<? extends CompletionStage<T>> call,
            ScheduledExecutorService scheduler,
            Streak streak) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(what, call, scheduler, streak, result);
        return result;
    }

    private <T> void attempt(
            String what,
            Supplier<? extends CompletionStage<T>> call,
            ScheduledExecutorService scheduler,
            Streak streak,
            CompletableFuture<T> result) {
        if (streak.stopped()) {
            result.completeExceptionally(
                    new QdrantException("Stopped retrying " + what, streak.lastFailure()));
            return;
        }
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            // A request that cannot even be built (a bad argument) is not worth repeating.
            result.completeExceptionally(e);
            return;
        }
        stage.whenComplete(
                (value, error) -> {
                    if (error == null) {
                        streak.succeeded();
                        result.complete(value);
                        return;
                    }
                    Throwable cause = unwrap(error);
                    long delay = delayAfter(streak, cause);
                    if (delay < 0) {
                        result.completeExceptionally(streak.givenUp(what, cause));
                        return;
                    }
                    try {
                        scheduler.schedule(
                                () -> attempt(what, call, scheduler, streak, result),
                                delay,
                                TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException closing) {
                        result.completeExceptionally(
                                new QdrantException(
                                        "Stopped retrying " + what + ": shutting down", cause));
                    }
                });
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /**
     * Consecutive failures of one operation (a search, or a sink's writes until one succeeds): how
     * many, since when, the last one; the policy decides from them. Thread-safe.
     */
    @PublicEvolving
    public static final class Streak {
        private final LongSupplier nanoClock;
        private int failures;
        private long firstFailureNanos;
        private Throwable lastFailure;
        private boolean stopped;

        public Streak() {
            this(System::nanoTime);
        }

        Streak(LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
        }

        /** Failed attempts so far in this streak. */
        public synchronized int failures() {
            return failures;
        }

        /** The failure that ended the last attempt, or null before the first one. */
        public synchronized Throwable lastFailure() {
            return lastFailure;
        }

        /** No further attempt starts: the caller has given its own answer (a deadline passed). */
        public synchronized void stop() {
            stopped = true;
        }

        synchronized boolean stopped() {
            return stopped;
        }

        synchronized void succeeded() {
            failures = 0;
        }

        /** Records a failure; returns the failures in the streak, this one included. */
        synchronized int failed(Throwable t) {
            lastFailure = t;
            if (failures++ == 0) {
                firstFailureNanos = nanoClock.getAsLong();
            }
            return failures;
        }

        /** Time since the streak's first failure. */
        synchronized long elapsedMillis() {
            return failures == 0
                    ? 0
                    : TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - firstFailureNanos);
        }

        synchronized QdrantException givenUp(String what, Throwable cause) {
            String tries =
                    failures > 1
                            ? " (" + failures + " attempts in " + elapsedMillis() + " ms)"
                            : "";
            return new QdrantException(
                    "Qdrant failed while " + what + tries + ": " + QdrantErrors.describe(cause),
                    cause);
        }
    }
}
