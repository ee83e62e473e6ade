package io.fhs.cli.drill;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for a condition by probing it until a deadline: the drill waits as long as a recovery takes
 * and no longer, never a guessed time.
 */
public final class Await {
    // Short enough to time a recovery to a tenth of a second, long enough not to hammer a server.
    private static final long PAUSE_MS = 100;

    private Await() {}

    /** A probe that may fail; a failure counts as "not yet" until the deadline. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /**
     * Probes until the value satisfies {@code done} or {@code timeout} has passed; the last value
     * (null if every probe failed).
     */
    public static <T> T latest(Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (true) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DrillException("interrupted while waiting", e);
            } catch (Exception notYet) {
                last = null;
            }
            if (System.nanoTime() - deadline >= 0) {
                return last;
            }
            pause();
        }
    }

    /** Probes until true; a {@link DrillException} naming {@code what} when not in time. */
    public static void until(Duration timeout, String what, Probe<Boolean> condition) {
        Boolean last = latest(timeout, condition, Boolean.TRUE::equals);
        if (!Boolean.TRUE.equals(last)) {
            throw new DrillException(what + " not within " + timeout.toSeconds() + " s");
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrillException("interrupted while waiting", e);
        }
    }
}
