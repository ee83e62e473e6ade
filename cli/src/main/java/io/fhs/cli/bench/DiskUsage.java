package io.fhs.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Allocated bytes under a directory, as {@code du} counts them: Qdrant preallocates and sparsely
 * fills its files, so their sizes would overstate what the disk holds.
 */
public final class DiskUsage {
    private DiskUsage() {}

    /** Allocated bytes under {@code dir}, leaving out entries named {@code exclude}. */
    public static long bytes(Path dir, String exclude) throws IOException, InterruptedException {
        Process du =
                new ProcessBuilder(
                                "du",
                                "-s",
                                "--block-size=1",
                                "--exclude=" + exclude,
                                dir.toString())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!du.waitFor(60, TimeUnit.SECONDS) || du.exitValue() != 0) {
            du.destroyForcibly();
            throw new IOException("du " + dir + " failed: " + out.strip());
        }
        return Long.parseLong(out.strip().split("\\s+")[0]);
    }
}
