package io.fhs.connectors.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
    @Test
    void returnsTheFirstValueThatSatisfiesTheConditionTreatingFailuresAsNotYet() {
        AtomicInteger calls = new AtomicInteger();
        int value =
                Poll.until(
                        Duration.ofSeconds(10),
                        "the third call",
                        () -> {
                            int n = calls.incrementAndGet();
                            if (n == 1) {
                                throw new IOException("not listening yet");
                            }
                            return n;
                        },
                        n -> n >= 3);
        assertThat(value).isEqualTo(3);
        assertThat(calls).hasValue(3);
    }

    @Test
    void failsAtTheDeadlineWithTheLastValue() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Poll.until(Duration.ofMillis(300), "never", () -> 7, n -> n > 7))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("never not within 300 ms (last: 7)");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(Duration.ofMillis(300))
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void latestReturnsTheLastValueAtTheDeadlineForTheCallersOwnAssertion() {
        AtomicInteger calls = new AtomicInteger();
        int last = Poll.latest(Duration.ofMillis(300), calls::incrementAndGet, n -> false);
        assertThat(last).isGreaterThan(1).isEqualTo(calls.get());
    }

    @Test
    void aFatalProbeEndsTheWaitAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                Poll.until(
                                        Duration.ofMinutes(1),
                                        "a dead server",
                                        () -> {
                                            calls.incrementAndGet();
                                            throw new Poll.Fatal("server exited with 1");
                                        }))
                .isInstanceOf(Poll.Fatal.class)
                .hasMessage("server exited with 1");
        assertThat(calls).hasValue(1);
    }
}
