package io.fhs.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs the {@code fhs} command line in the test JVM, as {@code bin/fhs} would run it, capturing
 * what it prints and its exit code (the in-process MiniCluster and test servers stay reachable).
 */
public final class CliRunner {
    private CliRunner() {}

    /** What a finished command printed on stdout and stderr, and its exit code. */
    public record Result(int exitCode, String out, String err) {}

    /** A command running on another thread, whose output can be read while it runs. */
    public record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
        /** The result once the command ends within {@code timeout}. */
        public Result await(Duration timeout) throws Exception {
            int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(code, out.toString(), err.toString());
        }
    }

    /** Runs {@code fhs ARGS...} with an empty stdin. */
    public static Result run(String... args) {
        return run("", args);
    }

    /** Runs {@code fhs ARGS...} reading {@code stdin} as its standard input. */
    public static Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = commandLine(out, err);
        // The commands read System.in (the search prompt), so it is swapped for the run.
        InputStream original = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int code = cli.execute(args);
            return new Result(code, out.toString(), err.toString());
        } finally {
            System.setIn(original);
        }
    }

    /** Starts {@code fhs ARGS...} on another thread (for long runs such as an unbounded ingest). */
    public static Running start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = commandLine(out, err);
        return new Running(CompletableFuture.supplyAsync(() -> cli.execute(args)), out, err);
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        CommandLine cli = Fhs.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }
}
