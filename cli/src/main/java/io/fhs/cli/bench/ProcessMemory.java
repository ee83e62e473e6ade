package io.fhs.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Memory figures of this JVM and of other processes (Linux: /proc). */
public final class ProcessMemory {
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
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
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
