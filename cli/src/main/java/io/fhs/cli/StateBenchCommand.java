package io.fhs.cli;

import io.fhs.cli.bench.StateBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.util.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhs bench state}: the ingest job's keyed state and checkpoints at a million documents. */
@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the ingest job's keyed state (the version gate's per-document version and",
            "hashes) and its checkpoints at scale, on the heap (hashmap) and on RocksDB with",
            "incremental checkpoints, in the same run: generated documents, no models or servers.",
            "Prints each checkpoint's size and duration, bytes per document, and the state at",
            "10 and 100 million documents by linear extrapolation."
        })
final class StateBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--documents",
            defaultValue = "1000000",
            description = "Documents (default: ${DEFAULT-VALUE}).")
    long documents;

    @Option(
            names = "--updates",
            defaultValue = "-1",
            description = "Changed documents after them (default: 1 % of --documents).")
    long updates;

    @Option(
            names = "--interval",
            defaultValue = "5s",
            description = "Checkpoint interval, e.g. 5s (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(
            names = "--backends",
            split = ",",
            defaultValue = "hashmap,rocksdb",
            description = "State backends to compare (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long changed = updates >= 0 ? updates : documents / 100;
        Duration every = Duration.parse("PT" + interval.toUpperCase());
        List<StateBenchmark.Result> results = new ArrayList<>();
        for (String backend : backends) {
            Path dir = Files.createTempDirectory("fhs-bench-state-");
            try {
                out.printf(
                        "%s: %,d documents, then %,d changed ones, checkpoint every %s%n",
                        backend, documents, changed, interval);
                out.flush();
                StateBenchmark.Result r =
                        StateBenchmark.run(backend, documents, changed, every, dir);
                results.add(r);
                print(out, r);
            } finally {
                FileUtils.deleteDirectoryQuietly(dir.toFile());
            }
        }
        if (results.size() == 2) {
            StateBenchmark.Result a = results.get(0);
            StateBenchmark.Result b = results.get(1);
            out.printf(
                    "%s / %s: final state %.2f, final checkpoint duration %.2f, events/s %.2f%n",
                    b.backend(),
                    a.backend(),
                    (double) b.last().stateBytes() / a.last().stateBytes(),
                    (double) b.last().durationMs() / Math.max(1, a.last().durationMs()),
                    b.eventsPerSecond() / a.eventsPerSecond());
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, StateBenchmark.Result r) {
        out.printf("  %-10s %14s %16s %10s%n", "checkpoint", "state bytes", "uploaded bytes", "ms");
        for (StateBenchmark.Checkpoint c : r.checkpoints()) {
            out.printf(
                    "  %-10d %,14d %,16d %,10d%n",
                    c.id(), c.stateBytes(), c.checkpointedBytes(), c.durationMs());
        }
        double perDoc = r.bytesPerDocument();
        out.printf(
                "  %s: %.1f bytes of state per document; %,.0f events/s through the gate in %.1f s;"
                        + " final checkpoint %,d ms%n",
                r.backend(),
                perDoc,
                r.eventsPerSecond(),
                r.took().toMillis() / 1e3,
                r.last().durationMs());
        out.printf(
                "  extrapolated: %.2f GB at 10 M documents, %.1f GB at 100 M%n",
                perDoc * 1e7 / 1e9, perDoc * 1e8 / 1e9);
        out.flush();
    }
}
