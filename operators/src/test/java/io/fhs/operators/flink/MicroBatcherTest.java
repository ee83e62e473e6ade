package io.fhs.operators.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
    final List<Integer> sizes = new CopyOnWriteArrayList<>();

    MicroBatcher<Integer, String> batcher(int max, Duration wait) {
        return new MicroBatcher<>(
                "test",
                max,
                wait,
                items -> items.stream().map(i -> "v" + i).toList(),
                (n, waited, took) -> sizes.add(n));
    }

    @Test
    void fullBatchesFlushAtOnceAndResultsKeepTheirItem() throws Exception {
        try (MicroBatcher<Integer, String> b = batcher(4, Duration.ofHours(1))) {
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(b.submit(i));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(results.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("v" + i);
            }
            assertThat(sizes).containsExactly(4, 4);
        }
    }

    @Test
    void aPartialBatchFlushesAfterMaxWait() throws Exception {
        try (MicroBatcher<Integer, String> b = batcher(100, Duration.ofMillis(50))) {
            CompletableFuture<String> a = b.submit(1);
            CompletableFuture<String> c = b.submit(2);
            assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("v1");
            assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("v2");
            assertThat(sizes).containsExactly(2);
        }
    }

    @Test
    void aFailingBatchFailsEachOfItsItems() {
        try (MicroBatcher<Integer, String> b =
                new MicroBatcher<>(
                        "fail",
                        2,
                        Duration.ofMillis(10),
                        items -> {
                            throw new IllegalArgumentException("model says no");
                        },
                        (n, w, t) -> {})) {
            CompletableFuture<String> a = b.submit(1);
            CompletableFuture<String> c = b.submit(2);
            assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("model says no");
            assertThatThrownBy(() -> c.get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("model says no");
        }
    }

    @Test
    void onlyTheItemThatFailsAloneFailsItsBatchmatesSucceed() throws Exception {
        List<List<Integer>> calls = new CopyOnWriteArrayList<>();
        try (MicroBatcher<Integer, String> b =
                new MicroBatcher<>(
                        "poison",
                        4,
                        Duration.ofHours(1),
                        items -> {
                            calls.add(List.copyOf(items));
                            if (items.contains(13)) {
                                throw new IllegalArgumentException("cannot encode 13");
                            }
                            return items.stream().map(i -> "v" + i).toList();
                        },
                        (n, w, t) -> {})) {
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (int i : new int[] {11, 12, 13, 14}) {
                results.add(b.submit(i));
            }
            assertThat(results.get(0).get(5, TimeUnit.SECONDS)).isEqualTo("v11");
            assertThat(results.get(1).get(5, TimeUnit.SECONDS)).isEqualTo("v12");
            assertThatThrownBy(() -> results.get(2).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("cannot encode 13");
            assertThat(results.get(3).get(5, TimeUnit.SECONDS)).isEqualTo("v14");
            assertThat(calls)
                    .containsExactly(
                            List.of(11, 12, 13, 14),
                            List.of(11),
                            List.of(12),
                            List.of(13),
                            List.of(14));
        }
    }

    @Test
    void aBacklogIsCutIntoBatchesOfSimilarLengthsAroundTheOldest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> calls = new CopyOnWriteArrayList<>();
        try (MicroBatcher<Integer, String> b =
                new MicroBatcher<>(
                        "lengths",
                        2,
                        Duration.ofHours(1),
                        1,
                        i -> i,
                        items -> {
                            calls.add(List.copyOf(items));
                            await(release);
                            return items.stream().map(i -> "v" + i).toList();
                        },
                        (n, w, t) -> {})) {
            b.submit(50);
            b.submit(51);
            pollUntil(() -> calls.size() == 1);
            // The only worker is busy: these wait, and are taken by length, not arrival.
            List<CompletableFuture<String>> backlog = new ArrayList<>();
            for (int i : new int[] {9, 1, 8, 2, 7}) {
                backlog.add(b.submit(i));
            }
            release.countDown();
            assertThat(backlog.get(3).get(5, TimeUnit.SECONDS)).isEqualTo("v2");
            assertThat(calls).containsExactly(List.of(50, 51), List.of(9, 8), List.of(1, 2));
            assertThat(backlog.get(4)).isNotDone(); // alone, and max-wait is an hour
        }
    }

    @Test
    void workersRunBatchesAtOnce() throws Exception {
        CyclicBarrier both = new CyclicBarrier(2);
        try (MicroBatcher<Integer, String> b =
                new MicroBatcher<>(
                        "two",
                        1,
                        Duration.ofHours(1),
                        2,
                        items -> {
                            try {
                                // Only passes if the other worker is inside a batch too.
                                both.await(5, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new IllegalStateException("no second worker", e);
                            }
                            return items.stream().map(i -> "v" + i).toList();
                        },
                        (n, w, t) -> {})) {
            CompletableFuture<String> first = b.submit(1);
            CompletableFuture<String> second = b.submit(2);
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
        }
    }

    @Test
    void aThrowingListenerFailsItsBatchButKeepsTheWorker() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        try (MicroBatcher<Integer, String> b =
                new MicroBatcher<>(
                        "listener",
                        1,
                        Duration.ZERO,
                        items -> items.stream().map(i -> "v" + i).toList(),
                        (n, w, t) -> {
                            if (batches.incrementAndGet() == 1) {
                                throw new IllegalStateException("metrics broke");
                            }
                        })) {
            assertThatThrownBy(() -> b.submit(1).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("metrics broke");
            assertThat(b.submit(2).get(5, TimeUnit.SECONDS)).isEqualTo("v2");
        }
    }

    @Test
    void anItemWhoseLengthCannotBeToldIsStillProcessed() throws Exception {
        try (MicroBatcher<Integer, String> b =
                new MicroBatcher<>(
                        "no-length",
                        1,
                        Duration.ZERO,
                        1,
                        i -> {
                            throw new IllegalArgumentException("no length for " + i);
                        },
                        items -> items.stream().map(i -> "v" + i).toList(),
                        (n, w, t) -> {})) {
            assertThat(b.submit(13).get(5, TimeUnit.SECONDS)).isEqualTo("v13");
        }
    }

    @Test
    void closeWaitsBoundedlyForABatchInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        MicroBatcher<Integer, String> b =
                new MicroBatcher<>(
                        "slow",
                        1,
                        Duration.ZERO,
                        items -> {
                            started.countDown();
                            await(release);
                            return List.of("done");
                        },
                        (n, w, t) -> {});
        CompletableFuture<String> running = b.submit(1);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(b.close(Duration.ofMillis(50))).isFalse();
        release.countDown();
        assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(b.close(Duration.ofSeconds(5))).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pollUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void closeFailsWhatIsStillQueued() {
        MicroBatcher<Integer, String> b = batcher(100, Duration.ofHours(1));
        CompletableFuture<String> queued = b.submit(1);
        b.close();
        b.close();
        assertThat(queued).isCompletedExceptionally();
        assertThat(b.submit(2)).isCompletedExceptionally();
    }
}
