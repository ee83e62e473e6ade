package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The one retry policy: attempt counts, backoff bounds, what is not retried, the deadline. */
class RetryPolicyTest {
    static final RetryPolicy POLICY =
            new RetryPolicy(
                    Duration.ofMillis(100), Duration.ofSeconds(1), 10, Duration.ofMinutes(1));

    final ManualScheduler scheduler = new ManualScheduler();

    /** A call that fails with {@code failure} its first {@code failures} times, then succeeds. */
    static class FailingCall implements Supplier<CompletionStage<String>> {
        final Status failure;
        final int failures;
        int attempts;

        FailingCall(Status failure, int failures) {
            this.failure = failure;
            this.failures = failures;
        }

        @Override
        public CompletionStage<String> get() {
            return ++attempts <= failures
                    ? CompletableFuture.failedFuture(new StatusRuntimeException(failure))
                    : CompletableFuture.completedFuture("done after " + attempts);
        }
    }

    RetryPolicy.Streak streak() {
        return new RetryPolicy.Streak(scheduler::nanoTime);
    }

    CompletableFuture<String> run(RetryPolicy policy, FailingCall call) {
        CompletableFuture<String> result = policy.retry("testing", call, scheduler, streak());
        scheduler.runAll();
        return result;
    }

    @Test
    void transientFailuresAreRetriedWithDoublingBackoffUpToTheMaximum() throws Exception {
        FailingCall call = new FailingCall(Status.UNAVAILABLE, 5);
        assertThat(run(POLICY, call).get()).isEqualTo("done after 6");
        assertThat(call.attempts).isEqualTo(6);
        assertThat(scheduler.delaysMillis).containsExactly(100L, 200L, 400L, 800L, 1000L);
    }

    @Test
    void attemptsAreBoundedAndTheLastFailureIsTheCause() {
        FailingCall call = new FailingCall(Status.UNAVAILABLE.withDescription("down"), 100);
        CompletableFuture<String> result = run(POLICY.withMaxAttempts(3), call);
        assertThat(call.attempts).isEqualTo(3);
        assertThat(scheduler.delaysMillis).containsExactly(100L, 200L);
        assertThatThrownBy(result::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(QdrantException.class)
                .hasMessage("Qdrant failed while testing (3 attempts in 300 ms): UNAVAILABLE: down")
                .cause()
                .isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void fatalAndRefusedFailuresAreNotRetried() {
        for (Status status :
                List.of(
                        Status.NOT_FOUND.withDescription("no collection"),
                        Status.PERMISSION_DENIED,
                        Status.INVALID_ARGUMENT.withDescription("wrong dimension"))) {
            FailingCall call = new FailingCall(status, 1);
            CompletableFuture<String> result = run(POLICY, call);
            assertThat(call.attempts).as("%s", status).isEqualTo(1);
            assertThatThrownBy(result::get)
                    .cause()
                    .hasMessageStartingWith("Qdrant failed while testing: " + status.getCode());
        }
        assertThat(scheduler.delaysMillis).isEmpty();
    }

    @Test
    void droppedStreamsAreRepeated() throws Exception {
        // Qdrant 1.16's "INTERNAL: Encountered end-of-stream mid-frame" is a dropped stream.
        FailingCall call = new FailingCall(Status.INTERNAL, 2);
        assertThat(run(POLICY, call).get()).isEqualTo("done after 3");
    }

    @Test
    void theStreakEndsAtMaxRetryTimeWithTheLastWaitClipped() {
        RetryPolicy policy =
                POLICY.withMaxAttempts(Integer.MAX_VALUE).withMaxRetryTime(Duration.ofMillis(2300));
        FailingCall call = new FailingCall(Status.UNAVAILABLE, Integer.MAX_VALUE);
        CompletableFuture<String> result = run(policy, call);
        // 100 + 200 + 400 + 800 leaves 800 of the 2300 ms, not the 1000 the backoff would take.
        assertThat(scheduler.delaysMillis).containsExactly(100L, 200L, 400L, 800L, 800L);
        assertThat(scheduler.nanoTime()).isEqualTo(Duration.ofMillis(2300).toNanos());
        assertThat(call.attempts).isEqualTo(6);
        assertThatThrownBy(result::get).cause().hasMessageContaining("6 attempts in 2300 ms");
    }

    @Test
    void timeSpentInAttemptsCountsTowardsMaxRetryTime() {
        RetryPolicy policy = POLICY.withMaxRetryTime(Duration.ofMillis(1000));
        FailingCall slow =
                new FailingCall(Status.DEADLINE_EXCEEDED, Integer.MAX_VALUE) {
                    @Override
                    public CompletionStage<String> get() {
                        scheduler.advanceMillis(600);
                        return super.get();
                    }
                };
        run(policy, slow);
        // The streak starts at the first failure (600 ms); failures at 1300 ms (200 ms wait, as
        // 300 are left) and 2100 ms, past the bound: no fourth attempt.
        assertThat(slow.attempts).isEqualTo(3);
        assertThat(scheduler.delaysMillis).containsExactly(100L, 200L);
    }

    @Test
    void aSuccessStartsANewStreak() throws Exception {
        RetryPolicy.Streak streak = streak();
        CompletableFuture<String> first =
                POLICY.retry("first", new FailingCall(Status.UNAVAILABLE, 2), scheduler, streak);
        scheduler.runAll();
        assertThat(first.get()).isEqualTo("done after 3");
        assertThat(streak.failures()).isZero();
        POLICY.retry("second", new FailingCall(Status.UNAVAILABLE, 1), scheduler, streak);
        scheduler.runAll();
        assertThat(scheduler.delaysMillis).containsExactly(100L, 200L, 100L);
    }

    @Test
    void aStoppedStreakStartsNoFurtherAttempt() {
        RetryPolicy.Streak streak = streak();
        FailingCall call = new FailingCall(Status.UNAVAILABLE, Integer.MAX_VALUE);
        CompletableFuture<String> result = POLICY.retry("testing", call, scheduler, streak);
        streak.stop();
        scheduler.runAll();
        assertThat(call.attempts).isEqualTo(1);
        assertThat(streak.failures()).isEqualTo(1);
        assertThat(streak.lastFailure()).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(result::get).cause().hasMessage("Stopped retrying testing");
    }

    @Test
    void aShutDownSchedulerEndsTheRetries() {
        scheduler.shutdown();
        CompletableFuture<String> result = run(POLICY, new FailingCall(Status.UNAVAILABLE, 1));
        assertThatThrownBy(result::get)
                .cause()
                .hasMessage("Stopped retrying testing: shutting down");
    }

    @Test
    void aCallThatCannotStartIsNotRetried() {
        CompletableFuture<String> result =
                POLICY.retry(
                        "testing",
                        () -> {
                            throw new IllegalArgumentException("vector of the wrong size");
                        },
                        scheduler);
        scheduler.runAll();
        assertThatThrownBy(result::get)
                .cause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector of the wrong size");
        assertThat(scheduler.delaysMillis).isEmpty();
    }

    @Test
    void invalidPoliciesAreRejected() {
        assertThatThrownBy(() -> POLICY.withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be >= 1, got 0");
        assertThatThrownBy(
                        () ->
                                new RetryPolicy(
                                        Duration.ofSeconds(2),
                                        Duration.ofSeconds(1),
                                        3,
                                        Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Backoff must satisfy 0 <= initial <= max");
    }

    @Test
    void blockingCallsRetryOnTheirOwnSchedulerAndThrowQdrantsMessage() {
        RetryPolicy quick = new RetryPolicy(Duration.ZERO, Duration.ZERO, 4, Duration.ofMinutes(1));
        int[] attempts = {0};
        Supplier<ListenableFuture<String>> flaky =
                () ->
                        ++attempts[0] < 3
                                ? Futures.immediateFailedFuture(
                                        new StatusRuntimeException(Status.UNAVAILABLE))
                                : Futures.immediateFuture("ok");
        assertThat(QdrantCalls.call(quick, "reading", flaky)).isEqualTo("ok");
        assertThat(attempts[0]).isEqualTo(3);
        assertThatThrownBy(
                        () ->
                                QdrantCalls.call(
                                        quick,
                                        "reading collection c",
                                        () ->
                                                Futures.immediateFailedFuture(
                                                        new StatusRuntimeException(
                                                                Status.NOT_FOUND.withDescription(
                                                                        "Collection c not found")))))
                .isInstanceOf(QdrantException.class)
                .hasMessage(
                        "Qdrant failed while reading collection c: NOT_FOUND: Collection c not"
                                + " found");
    }
}
