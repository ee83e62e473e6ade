package io.fhs.cli.drill;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs the project's scripts (bin/fhs-cluster, bin/fhs-local) to completion, bounded in time. */
public final class Scripts {
    private Scripts() {}

    /** What a finished script printed (stdout and stderr interleaved) and its exit code. */
    public record Result(int exitCode, String output) {
        public String lastLine() {
            String[] lines = output.trim().split("\n");
            return lines[lines.length - 1].trim();
        }
    }

    /**
     * Runs {@code builder} within {@code timeout}. Output goes to a file, never a pipe: the daemons
     * that `up` starts inherit it and would keep a pipe open forever.
     */
    static Result run(Duration timeout, ProcessBuilder builder) {
        Path log = null;
        try {
            log = Files.createTempFile("fhs-drill", ".log");
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new DrillException(
                        String.join(" ", builder.command())
                                + " did not finish within "
                                + timeout.toSeconds()
                                + " s; output:\n"
                                + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DrillException("running " + builder.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrillException("interrupted running " + builder.command(), e);
        } finally {
            deleteQuietly(log);
        }
    }

    /** Runs {@code builder} and fails with its output unless it exits with 0. */
    static Result check(Duration timeout, ProcessBuilder builder) {
        Result r = run(timeout, builder);
        if (r.exitCode() != 0) {
            throw new DrillException(
                    String.join(" ", builder.command())
                            + " exited with "
                            + r.exitCode()
                            + ":\n"
                            + r.output());
        }
        return r;
    }

    /** SIGKILLs {@code pid} (a crash: no shutdown hooks) and waits until it is gone. */
    static void killHard(long pid, String what) {
        ProcessHandle handle =
                ProcessHandle.of(pid)
                        .orElseThrow(
                                () ->
                                        new DrillException(
                                                what + " (pid " + pid + ") is not running"));
        if (!handle.destroyForcibly()) {
            throw new DrillException("could not SIGKILL " + what + " (pid " + pid + ")");
        }
        awaitExit(handle, what);
    }

    /** Asks {@code pid} to stop (SIGTERM, a clean shutdown) and waits until it is gone. */
    static void stop(long pid, String what) {
        ProcessHandle handle =
                ProcessHandle.of(pid)
                        .orElseThrow(
                                () ->
                                        new DrillException(
                                                what + " (pid " + pid + ") is not running"));
        handle.destroy();
        awaitExit(handle, what);
    }

    private static void awaitExit(ProcessHandle handle, String what) {
        try {
            handle.onExit().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrillException("interrupted waiting for " + what + " to exit", e);
        } catch (Exception e) {
            throw new DrillException(what + " did not exit within 60 s", e);
        }
    }

    static long readPid(Path pidFile, String what) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new DrillException("no pid of " + what + " in " + pidFile, e);
        }
    }

    private static void deleteQuietly(Path log) {
        if (log == null) {
            return;
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary file; the OS cleans up
        }
    }
}
