package io.fhs.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/fhs bench state's measurement, small: both backends checkpoint the gate's whole state. */
class StateBenchmarkITCase {
    @Test
    void bothBackendsEndWithAFinalCheckpointOfEveryDocumentsState(@TempDir Path tmp)
            throws Exception {
        StateBenchmark.Result heap =
                StateBenchmark.run(
                        "hashmap", 20_000, 200, Duration.ofMillis(500), tmp.resolve("h"));
        StateBenchmark.Result rocks =
                StateBenchmark.run(
                        "rocksdb", 20_000, 200, Duration.ofMillis(500), tmp.resolve("r"));
        // Per document: a 12-character id, a version, a 64-character content hash and a
        // 22-character metadata hash, with the serializers' framing.
        assertThat(heap.bytesPerDocument()).isBetween(100.0, 250.0);
        assertThat(rocks.bytesPerDocument()).isBetween(30.0, 400.0);
        for (StateBenchmark.Result r : new StateBenchmark.Result[] {heap, rocks}) {
            assertThat(r.last().stateBytes()).as(r.backend()).isPositive();
            assertThat(r.checkpoints())
                    .as(r.backend())
                    .isSortedAccordingTo((a, b) -> Long.compare(a.id(), b.id()));
        }
    }
}
