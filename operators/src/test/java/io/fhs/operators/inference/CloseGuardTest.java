package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.model.Role;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CloseGuardTest {
    @Test
    void closeWaitsForAUseInFlightAndLaterUsesFail() throws Exception {
        CloseGuard guard = new CloseGuard("thing");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> user =
                CompletableFuture.runAsync(
                        () -> {
                            try (CloseGuard.Use use = guard.enter()) {
                                entered.countDown();
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        entered.await();
        CompletableFuture<Boolean> closing = CompletableFuture.supplyAsync(guard::close);
        awaitWaitingClose(guard);
        assertThat(closing).as("close waits for the use in flight").isNotDone();
        release.countDown();
        assertThat(closing.get(5, TimeUnit.SECONDS)).isTrue();
        user.get(5, TimeUnit.SECONDS);
        assertThat(guard.close()).isFalse();
        assertThatThrownBy(guard::enter).hasMessage("thing is closed");
    }

    /** Polls, with a deadline, until a close is blocked behind the uses in flight. */
    static void awaitWaitingClose(CloseGuard guard) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!guard.closeIsWaiting()) {
            assertThat(System.nanoTime()).as("close started waiting in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void aClosedEncoderRefusesInsteadOfCrashing() {
        DenseEncoder encoder = DenseEncoder.open("all-MiniLM-L6-v2");
        encoder.close();
        encoder.close();
        assertThatThrownBy(() -> encoder.encode(List.of("text"), Role.DOCUMENT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("DenseEncoder is closed");
    }
}
