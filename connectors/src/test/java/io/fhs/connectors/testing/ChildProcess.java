package io.fhs.connectors.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process of a test whose stdout and stderr go to a log file, never to a pipe: a pipe that
 * nobody drains blocks a chatty child, and a read of a pipe blocks the test while a silent child
 * (or a daemon that inherited the pipe) keeps it open. Every wait is bounded; a child that outlives
 * its wait is killed.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread killOnExit;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        // If the test JVM is killed (a surefire timeout, say), do not leave the child running.
        this.killOnExit = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        process.onExit().thenRun(this::forgetHook);
    }

    private void forgetHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the JVM exits anyway
        }
    }

    /** What a finished child printed (stdout and stderr interleaved) and its exit code. */
    public record Result(int exitCode, String output) {}

    /** Starts {@code builder} with its output appended to {@code log}. */
    public static ChildProcess start(ProcessBuilder builder, Path log) throws IOException {
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // No input: a child that waits for stdin would otherwise wait for the test.
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        return new ChildProcess(builder.command().get(0), process, log);
    }

    /** Runs {@code command} in {@code dir} to completion within {@code timeout}. */
    public static Result run(Duration timeout, Path dir, List<String> command)
            throws IOException, InterruptedException {
        return run(timeout, new ProcessBuilder(command).directory(dir.toFile()));
    }

    /** Runs {@code builder} to completion within {@code timeout}, its output in a temporary log. */
    public static Result run(Duration timeout, ProcessBuilder builder)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("child", ".log");
        try (ChildProcess child = start(builder, log)) {
            int exit = child.waitFor(timeout);
            return new Result(exit, child.output());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * The exit code once the child ends within {@code timeout}; otherwise it is killed and a {@link
     * ChildProcessException} with what it printed is thrown.
     */
    public int waitFor(Duration timeout) throws IOException, InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        kill();
        throw new ChildProcessException(
                name
                        + " did not finish within "
                        + timeout.toSeconds()
                        + " s; output:\n"
                        + output());
    }

    /** Asks the child to stop (SIGTERM), and kills it if it has not within {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    /** Kills the child (SIGKILL, like a crash) and waits a bounded time for it to go. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * For readiness probes: a {@link Poll.Fatal} with the exit code and output once the child has
     * exited, as waiting longer for it cannot help.
     */
    public void requireAlive(String what) {
        if (!process.isAlive()) {
            throw new Poll.Fatal(
                    what + " exited with " + process.exitValue() + "; output:\n" + output());
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** What the child has printed so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the child if it still runs (SIGTERM, then SIGKILL after a bounded wait). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(KILL_WAIT);
        }
    }
}
