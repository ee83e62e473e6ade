package io.fhs.cli;

import io.fhs.cli.drill.DrillRow;
import io.fhs.cli.drill.DrillStream;
import io.fhs.cli.drill.FaultDrill;
import io.fhs.cli.drill.FaultDrill.Fault;
import io.fhs.jobs.data.JsonLines;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fhs bench faults}: the fault drill on real processes. */
@Command(
        name = "faults",
        mixinStandardHelpOptions = true,
        description = {
            "Fault drill: the ingest job at parallelism 2 on a local Flink cluster of 2",
            "TaskManagers reads a 4-partition topic of upserts, updates, deletes, stale and",
            "unchanged re-sends and bad records, while one fault per phase strikes mid-stream:",
            "a TaskManager SIGKILLed, the Kafka broker restarted, Qdrant SIGKILLed, one Qdrant",
            "node SIGKILLed (--qdrant-nodes 3), the job stopped with a savepoint and resumed,",
            "once at another parallelism. After each, the collection is compared with the state",
            "computed without the job, and the dead letters with the bad records sent.",
            "Starts its own Kafka, Qdrant and cluster under --state-dir on free ports, and",
            "stops them at the end. Exits 1 on any missing, stale or left-over point or any",
            "missing dead letter."
        })
final class FaultsBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--docs",
            defaultValue = "300",
            description = "Distinct documents in the stream (default: ${DEFAULT-VALUE}).")
    int docs;

    @Option(
            names = "--rate",
            defaultValue = "10",
            description = "Records sent per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--qdrant-nodes",
            defaultValue = "1",
            description = "1, or 3 for a Qdrant cluster (adds the qdrant-node fault).")
    int qdrantNodes;

    @Option(
            names = "--faults",
            split = ",",
            paramLabel = "FAULT",
            description =
                    "Faults to inject, in order (default: all): taskmanager-kill, kafka-restart,"
                            + " qdrant-kill, qdrant-node, savepoint-resume, savepoint-rescale.")
    List<String> faults;

    @Option(names = "--seed", defaultValue = "13", description = "Seed of the stream.")
    long seed;

    @Option(names = "--corpus", paramLabel = "FILE", description = "Texts (default: CACM).")
    Path corpus;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where the drill's services keep their state (default: .local/drill).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (qdrantNodes != 1 && qdrantNodes != 3) {
            throw new ParameterException(
                    spec.commandLine(), "--qdrant-nodes must be 1 or 3, got " + qdrantNodes);
        }
        Path home = Path.of(System.getProperty("fhs.home", ".")).toAbsolutePath().normalize();
        Path texts =
                corpus != null
                        ? corpus
                        : home.resolve("../shared/data/cacm/corpus.jsonl").normalize();
        DrillStream stream = DrillStream.generate(JsonLines.read(texts), docs, seed);
        FaultDrill.Settings settings =
                new FaultDrill.Settings(
                        stream,
                        rate,
                        qdrantNodes,
                        chosenFaults(),
                        home,
                        stateDir != null ? stateDir : home.resolve(".local/drill"),
                        Map.of());
        out.printf(
                "fault drill: %d records (%d documents, %d bad) at %.0f/s; faults: %s%n",
                stream.events().size(),
                docs,
                stream.badRecordsIn(stream.events().size()),
                rate,
                settings.faults().stream().map(f -> f.label).toList());
        FaultDrill drill = new FaultDrill(settings, out);
        // Ctrl-C or a kill of this JVM must not leave the drill's Kafka, Qdrant and cluster
        // running.
        Thread stopAll = new Thread(drill::close, "fault-drill-shutdown");
        Runtime.getRuntime().addShutdownHook(stopAll);
        List<DrillRow> rows;
        try {
            rows = drill.run();
        } finally {
            drill.close();
            Runtime.getRuntime().removeShutdownHook(stopAll);
        }
        return report(out, rows);
    }

    private List<Fault> chosenFaults() {
        List<Fault> chosen = new ArrayList<>();
        if (faults == null) {
            for (Fault f : Fault.values()) {
                if (f != Fault.QDRANT_NODE || qdrantNodes == 3) {
                    chosen.add(f);
                }
            }
            return chosen;
        }
        for (String label : faults) {
            try {
                chosen.add(Fault.of(label));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (chosen.contains(Fault.QDRANT_NODE) && qdrantNodes != 3) {
            throw new ParameterException(
                    spec.commandLine(), "the qdrant-node fault needs --qdrant-nodes 3");
        }
        return chosen;
    }

    private static int report(PrintWriter out, List<DrillRow> rows) {
        out.println();
        out.println(DrillRow.header());
        rows.forEach(r -> out.println(r.line()));
        int failed = 0;
        for (DrillRow r : rows) {
            for (String problem : r.problems()) {
                out.printf("FAILED %s: %s%n", r.fault(), problem);
                failed++;
            }
        }
        out.println(
                failed == 0 ? "fault drill: no loss" : "fault drill: " + failed + " problem(s)");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
