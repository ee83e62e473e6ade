package io.fhs.operators.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
    void closeFailsWhatIsStillQueued() {
        MicroBatcher<Integer, String> b = batcher(100, Duration.ofHours(1));
        CompletableFuture<String> queued = b.submit(1);
        b.close();
        b.close();
        assertThat(queued).isCompletedExceptionally();
        assertThat(b.submit(2)).isCompletedExceptionally();
    }
}
