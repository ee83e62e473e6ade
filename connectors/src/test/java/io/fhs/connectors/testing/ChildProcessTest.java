package io.fhs.connectors.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Children that write a lot, or nothing at all, cannot hold a test past its timeout. */
class ChildProcessTest {
    @TempDir Path dir;

    @Test
    void aChildThatWritesMoreThanAPipeHoldsFinishesAndItsOutputIsKept() throws Exception {
        // 1 MB: far beyond a 64 KB pipe, which would block a child nobody reads.
        ChildProcess.Result result =
                ChildProcess.run(
                        Duration.ofSeconds(30),
                        dir,
                        List.of(
                                "sh",
                                "-c",
                                "head -c 1048576 /dev/zero | tr '\\0' x; echo; exit 3"));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output().strip()).hasSize(1_048_576).matches("x+");
    }

    @Test
    void aSilentChildIsKilledAtItsTimeoutWithWhatItPrinted() throws Exception {
        long start = System.nanoTime();
        ChildProcess child =
                ChildProcess.start(
                        new ProcessBuilder("sh", "-c", "echo started; exec sleep 60"),
                        Files.createFile(dir.resolve("silent.log")));
        assertThatThrownBy(() -> child.waitFor(Duration.ofSeconds(1)))
                .isInstanceOf(ChildProcessException.class)
                .hasMessageContaining("did not finish within 1 s")
                .hasMessageContaining("started");
        assertThat(child.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aChildThatExitedFailsAReadinessProbeAtOnce() throws Exception {
        ChildProcess child =
                ChildProcess.start(
                        new ProcessBuilder("sh", "-c", "echo broken config; exit 1"),
                        Files.createFile(dir.resolve("exited.log")));
        assertThat(child.waitFor(Duration.ofSeconds(10))).isEqualTo(1);
        assertThatThrownBy(() -> child.requireAlive("server"))
                .isInstanceOf(Poll.Fatal.class)
                .hasMessageContaining("server exited with 1")
                .hasMessageContaining("broken config");
    }
}
