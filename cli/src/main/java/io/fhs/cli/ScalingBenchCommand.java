package io.fhs.cli;

import io.fhs.cli.bench.PinnedIngestRun;
import io.fhs.cli.bench.PinnedIngestRun.Result;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fhs bench scaling}: ingest throughput per core at parallelism 1, 2, ... */
@Command(
        name = "scaling",
        mixinStandardHelpOptions = true,
        description = {
            "Measure how ingest throughput scales with cores: for each count C in --cores,",
            "bench ingest --parallelism C pinned with taskset to cores 0..C-1 (one encode worker",
            "of one intra-op thread per subtask), and the efficiency of each row: its steady",
            "docs/s per core over the first row's. The bare encoder's own scaling, pinned the",
            "same way, is printed beside it. Kafka and Qdrant are not pinned: on a machine",
            "with no cores to spare they compete with the job, and the efficiency is a lower",
            "bound. Needs Kafka and Qdrant (bin/fhs local up)."
        })
final class ScalingBenchCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--cores",
            split = ",",
            defaultValue = "1,2",
            description = "Core counts, the first the baseline (default: ${DEFAULT-VALUE}).")
    List<Integer> cores;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "Documents per run; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--warmup-docs",
            defaultValue = "400",
            description = "Warm-up documents per run (default: ${DEFAULT-VALUE}).")
    int warmupDocs;

    @Mixin ConfigMixin options;

    @Override
    public Integer call() throws Exception {
        int available = Runtime.getRuntime().availableProcessors();
        for (int c : cores) {
            if (c < 1 || c > available) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--cores: " + c + " is not within 1.." + available + " (this machine)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Path home = Path.of(System.getProperty("fhs.home", "."));
        List<Result> results = new ArrayList<>();
        for (int c : cores) {
            out.printf("bench ingest on %d core(s), parallelism %d ...%n", c, c);
            out.flush();
            results.add(PinnedIngestRun.run(home, c, childArgs(), out));
        }
        out.printf(
                "%n| cores | bare encoder docs/s | job steady docs/s | per core | efficiency |"
                        + " bare efficiency |%n|---|---|---|---|---|---|%n");
        Result base = results.get(0);
        for (Result r : results) {
            out.printf(
                    "| %d | %.1f | %.1f | %.1f | %.2f | %.2f |%n",
                    r.cores(),
                    r.bare(),
                    r.steady(),
                    r.steadyPerCore(),
                    r.steadyPerCore() / base.steadyPerCore(),
                    (r.bare() / r.cores()) / (base.bare() / base.cores()));
        }
        return 0;
    }

    private List<String> childArgs() {
        List<String> args = new ArrayList<>();
        args.add("--limit");
        args.add(Integer.toString(limit));
        args.add("--warmup-docs");
        args.add(Integer.toString(warmupDocs));
        if (options.config != null) {
            args.add("--config");
            args.add(options.config.toString());
        }
        for (String p : options.profiles) {
            args.add("--profile");
            args.add(p);
        }
        for (Map.Entry<String, String> e : options.overrides.entrySet()) {
            args.add("-D");
            args.add(e.getKey() + "=" + e.getValue());
        }
        return args;
    }
}
