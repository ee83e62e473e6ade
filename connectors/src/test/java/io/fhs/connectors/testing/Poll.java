package io.fhs.connectors.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for a condition by probing it until a deadline, so that tests wait as long as the system
 * needs and no longer, instead of sleeping for a guessed time.
 */
public final class Poll {
    // Short enough not to slow a test down, long enough not to hammer a server while it starts.
    private static final Duration PAUSE = Duration.ofMillis(100);

    private Poll() {}

    /**
     * A probe that may fail; a failure counts as "not yet" until the deadline, except a {@link
     * Fatal} one, which ends the wait at once.
     */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /**
     * Probes {@code condition} until it is true; an {@link AssertionError} naming {@code what}
     * (with the probe's last failure as cause) when it is not within {@code timeout}.
     */
    public static void until(Duration timeout, String what, Probe<Boolean> condition) {
        until(timeout, what, condition, Boolean.TRUE::equals);
    }

    /**
     * Probes {@code probe} until its value satisfies {@code done} and returns that value; an {@link
     * AssertionError} with the last value seen when none does within {@code timeout}.
     */
    public static <T> T until(
            Duration timeout, String what, Probe<T> probe, Predicate<? super T> done) {
        Outcome<T> outcome = poll(timeout, probe, done);
        if (!outcome.done()) {
            throw new AssertionError(
                    what
                            + " not within "
                            + timeout.toMillis()
                            + " ms (last: "
                            + outcome.value()
                            + ")",
                    outcome.failure());
        }
        return outcome.value();
    }

    /**
     * Probes {@code probe} until its value satisfies {@code done} or {@code timeout} has passed,
     * and returns the last value, for callers that assert on it with their own message. A probe
     * that still fails at the deadline fails the wait.
     */
    public static <T> T latest(Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        Outcome<T> outcome = poll(timeout, probe, done);
        if (outcome.failure() != null) {
            throw new AssertionError("probe failed until the deadline", outcome.failure());
        }
        return outcome.value();
    }

    private record Outcome<T>(boolean done, T value, Exception failure) {}

    private static <T> Outcome<T> poll(
            Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception failure = null;
        while (true) {
            try {
                last = probe.get();
                failure = null;
                if (done.test(last)) {
                    return new Outcome<>(true, last, null);
                }
            } catch (Fatal e) {
                throw e;
            } catch (Exception e) {
                failure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                return new Outcome<>(false, last, failure);
            }
            pause();
        }
    }

    /** Thrown by a probe that knows waiting longer cannot help (the server it waits for died). */
    public static final class Fatal extends RuntimeException {
        public Fatal(String message) {
            super(message);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling", e);
        }
    }
}
