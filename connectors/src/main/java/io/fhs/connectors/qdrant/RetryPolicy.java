package io.fhs.connectors.qdrant;

import java.io.Serializable;
import java.time.Duration;

/**
 * Exponential backoff for transient Qdrant failures, bounded by the total time a streak of failures
 * may last (a Qdrant restart takes seconds; an outage longer than the bound fails the job so that
 * it restarts from its last checkpoint instead of hanging).
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxRetryTime)
        implements Serializable {
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(5));

    public RetryPolicy {
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "Backoff must satisfy 0 <= initial <= max, got "
                            + initialBackoff
                            + " and "
                            + maxBackoff);
        }
        if (maxRetryTime.isNegative()) {
            throw new IllegalArgumentException("maxRetryTime must not be negative");
        }
    }

    /** Backoff before retry number {@code attempt} (1-based). */
    long backoffMillis(int attempt) {
        long delay = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Math.min(Math.max(delay, 0), maxBackoff.toMillis());
    }
}
