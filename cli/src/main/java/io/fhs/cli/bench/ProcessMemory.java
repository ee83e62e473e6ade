package io.fhs.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Memory figures of this JVM and of other processes (Linux: /proc). */
public final class ProcessMemory {
    // A mapping's header: "start-end perms offset dev inode [path]"; its fields follow.
    private static final Pattern MAPPING = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ ");

    private ProcessMemory() {}

    /**
     * Heap bytes in use right after an explicit full collection: the live set. A soak asks for it
     * rather than reading the old generation's collection usage, which G1 only updates on a
     * concurrent or mixed cycle, one that a steady run with a roomy heap may not start for an hour;
     * the price is one full pause per sample, which shows in that sample's freshness.
     */
    public static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** This JVM's resident set, when /proc tells it. */
    public static OptionalLong ownRss() {
        return rss(ProcessHandle.current().pid());
    }

    /** The resident set (VmRSS) of process {@code pid}; empty when it is gone or not Linux. */
    public static OptionalLong rss(long pid) {
        return status(pid, "VmRSS");
    }

    /**
     * The anonymous part of {@code pid}'s resident set (RssAnon: heap, stacks): memory the process
     * needs, as opposed to the file pages it maps (RssFile), which the kernel may drop and read
     * again.
     */
    public static OptionalLong rssAnon(long pid) {
        return status(pid, "RssAnon");
    }

    /** The resident pages of files {@code pid} maps (RssFile): page cache in use. */
    public static OptionalLong rssFile(long pid) {
        return status(pid, "RssFile");
    }

    /**
     * Resident bytes of the files under {@code dir} that {@code pid} maps, leaving out paths that
     * contain {@code exclude} (from /proc/PID/smaps).
     */
    public static long mappedResident(long pid, Path dir, String exclude) {
        String prefix = dir.toAbsolutePath().toString();
        long bytes = 0;
        boolean counting = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
                if (MAPPING.matcher(line).find()) {
                    String[] parts = line.trim().split("\\s+", 6);
                    String path = parts.length == 6 ? parts[5] : "";
                    counting = path.startsWith(prefix) && !path.contains(exclude);
                } else if (counting && line.startsWith("Rss:")) {
                    bytes += Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new ProcessMemoryException(pid, e);
        }
    }

    private static OptionalLong status(long pid, String field) {
        String prefix = field + ":";
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(prefix)) {
                    String kb = line.substring(prefix.length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
            return OptionalLong.empty();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new ProcessMemoryException(pid, e);
        }
    }

    /** /proc could not be read for a process that exists. */
    public static final class ProcessMemoryException extends RuntimeException {
        ProcessMemoryException(long pid, Throwable cause) {
            super("Cannot read the memory of process " + pid + ": " + cause.getMessage(), cause);
        }
    }
}
