package io.fhs.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code bin/fhs bench ingest} in a child process pinned with {@code taskset} to the first
 * {@code cores} cores, so that ONNX Runtime, Flink and the JIT all see (and get) only those. Its
 * output is passed on, prefixed, and its throughput line read back.
 */
public final class PinnedIngestRun {
    // The line IngestBenchCommand prints; its format is the contract between the two.
    private static final Pattern THROUGHPUT =
            Pattern.compile(
                    "throughput docs/s: bare encoder ([\\d.]+), job steady ([\\d.]+) \\(ratio"
                            + " [\\d.]+\\), job incl\\. start-up ([\\d.]+)");

    /** What one pinned run measured, in documents per second. */
    public record Result(int cores, double bare, double steady, double withStartUp) {
        public double steadyPerCore() {
            return steady / cores;
        }
    }

    private PinnedIngestRun() {}

    /** The result in one line of {@code bench ingest}'s output, or null if it holds none. */
    static Result parse(int cores, String line) {
        Matcher m = THROUGHPUT.matcher(line);
        if (!m.find()) {
            return null;
        }
        return new Result(
                cores,
                Double.parseDouble(m.group(1)),
                Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)));
    }

    /**
     * Runs {@code fhs bench ingest --parallelism cores ARGS} on cores {@code 0..cores-1}, one
     * encode worker of one intra-op thread per subtask (before {@code args}, which may override).
     */
    public static Result run(Path fhsHome, int cores, List<String> args, PrintWriter out)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("taskset");
        command.add("--cpu-list");
        command.add(cores == 1 ? "0" : "0-" + (cores - 1));
        command.add(fhsHome.resolve("bin/fhs").toString());
        command.addAll(
                List.of(
                        "bench",
                        "ingest",
                        "--parallelism",
                        Integer.toString(cores),
                        "--freshness-docs",
                        "0",
                        "--quiet",
                        "-D",
                        "encode.workers=1",
                        "-D",
                        "encode.threads=1"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // The parent's build is the child's: a rebuild between the runs would measure two builds.
        pb.environment().put("FHS_NO_BUILD", "1");
        Process child = pb.start();
        Result result = null;
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.printf("  [%d core%s] %s%n", cores, cores == 1 ? "" : "s", line);
                out.flush();
                Result r = parse(cores, line);
                if (r != null) {
                    result = r;
                }
            }
        }
        int rc = child.waitFor();
        if (rc != 0 || result == null) {
            throw new IOException(
                    "bench ingest on "
                            + cores
                            + " core(s) "
                            + (rc != 0 ? "exited with " + rc : "printed no throughput line"));
        }
        return result;
    }
}
