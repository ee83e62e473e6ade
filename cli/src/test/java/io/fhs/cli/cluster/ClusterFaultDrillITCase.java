package io.fhs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.cli.drill.DrillRow;
import io.fhs.cli.drill.DrillStream;
import io.fhs.cli.drill.FaultDrill;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.testing.TestData;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reduced fault drill on real processes, through the code {@code bin/fhs bench faults} runs:
 * the ingest job at parallelism 2 on a session cluster of two TaskManager JVMs reads a 4-partition
 * topic of upserts, updates (growing and shrinking documents), stale versions, unchanged re-sends,
 * deletes and bad records. A TaskManager running the job is SIGKILLed mid-stream and started again;
 * the collection must end exactly as the independent model of the stream says (no point missing,
 * none stale, none left over) and every bad record must have its dead letter.
 */
class ClusterFaultDrillITCase {
    static final int DOCS = 80;

    @Test
    void aKilledTaskManagerLosesNothingAndLeavesNothingStale() throws Exception {
        Path root = TestData.root().normalize();
        DrillStream stream = DrillStream.generate(JsonLines.read(TestData.cacmCorpus()), DOCS, 42);
        FaultDrill.Settings settings =
                new FaultDrill.Settings(
                        stream,
                        20,
                        1,
                        List.of(FaultDrill.Fault.TASKMANAGER_KILL),
                        root,
                        root.resolve("cli/target/it-drill"),
                        FlinkClusterProcesses.testEnvironment());
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        List<DrillRow> rows;
        try (FaultDrill drill = new FaultDrill(settings, out)) {
            rows = drill.run();
        }
        assertThat(rows).extracting(DrillRow::fault).containsExactly("none", "taskmanager-kill");
        DrillRow killed = rows.get(1);
        assertThat(killed.problems()).as(killed.line()).isEmpty();
        assertThat(killed.points().expected()).isEqualTo(killed.points().found()).isPositive();
        assertThat(killed.points().missing()).isZero();
        assertThat(killed.points().stale()).isZero();
        assertThat(killed.points().unexpected()).isZero();
        assertThat(killed.lettersExpected())
                .isEqualTo(stream.badRecordsIn(stream.events().size()))
                .isEqualTo(killed.letters().found());
        assertThat(killed.recovered()).isPositive();
        assertThat(killed.caughtUp()).isGreaterThanOrEqualTo(killed.recovered());
        assertThat(killed.note()).startsWith("killed taskmanager-");
    }
}
