package io.fhs.cli.progress;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of long work as one line on stderr: redrawn in place on a terminal, otherwise
 * printed every {@code period} and once at the end, so that logs and CI output stay short and read
 * line by line. The line shows what is done (of the total, when known), the recent rate and, with a
 * total, the time left:
 *
 * <pre>ingest: 1,210/3,204 documents read, 950 written (1,130 chunks), 41.3 docs/s, ETA 0:54</pre>
 *
 * <p>The rate and the time left follow a count of their own ({@code paced}), which may lag the
 * count shown against the total: a job reads documents long before it has written them (network
 * buffers and the encoder's queue hold hundreds), and only the written ones say when it ends.
 */
public final class ProgressLine {
    /** How often a line is printed where stderr is not a terminal. */
    public static final Duration PLAIN_PERIOD = Duration.ofSeconds(10);

    // A terminal line is redrawn at most this often; callers may poll faster.
    private static final long REDRAW_NANOS = Duration.ofMillis(250).toNanos();
    // The rate is measured over this much recent time: long enough to even out the encoder's
    // batches and a busy machine, short enough that start-up (Flink, models) soon stops weighing.
    private static final long RATE_WINDOW_NANOS = Duration.ofSeconds(30).toNanos();

    private static final ProgressLine OFF =
            new ProgressLine(null, "", "", "", false, PLAIN_PERIOD, System::nanoTime);

    private final PrintWriter err;
    private final String label;
    private final String unit;
    private final String rateUnit;
    private final boolean terminal;
    private final long periodNanos;
    private final LongSupplier nanoClock;
    private final long start;
    // (time, paced) samples of the last RATE_WINDOW_NANOS, oldest first.
    private final ArrayDeque<long[]> window = new ArrayDeque<>();

    private long lastPrinted;
    private int drawnLength;
    // The last update; the final line repeats it.
    private boolean updated;
    private long lastDone;
    private long lastTotal;
    private long lastPaced;
    private String lastDetail = "";

    /**
     * @param err where the line goes; {@code null} shows nothing
     * @param label what is in progress, e.g. {@code ingest}
     * @param unit what {@code done} counts, e.g. {@code documents read}
     * @param rateUnit what the rate counts per second, e.g. {@code docs/s}; empty: the rate is not
     *     shown, only the time left
     * @param terminal redraw one line in place instead of printing lines
     * @param period time between printed lines when not on a terminal
     * @param nanoClock the time, as {@link System#nanoTime}
     */
    ProgressLine(
            PrintWriter err,
            String label,
            String unit,
            String rateUnit,
            boolean terminal,
            Duration period,
            LongSupplier nanoClock) {
        this.err = err;
        this.label = label;
        this.unit = unit;
        this.rateUnit = rateUnit;
        this.terminal = terminal;
        this.periodNanos = period.toNanos();
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.lastPrinted = start;
    }

    /**
     * A line on {@code err}, redrawn in place when this JVM runs on a terminal ({@link
     * System#console()}), else printed every {@code period}.
     */
    public static ProgressLine on(
            PrintWriter err, String label, String unit, String rateUnit, Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("The progress period must be > 0, got " + period);
        }
        return new ProgressLine(
                err, label, unit, rateUnit, System.console() != null, period, System::nanoTime);
    }

    /** A line that shows nothing ({@code --quiet}). */
    public static ProgressLine off() {
        return OFF;
    }

    /** Progress where the rate follows {@code done} itself. */
    public void update(long done, long total) {
        update(done, total, done, "");
    }

    /**
     * Shows {@code done} of {@code total} (negative: not known), when a line is due.
     *
     * @param paced the count the rate and the time left follow, of the same {@code total}
     * @param detail more counts, after the main one; empty for none
     */
    public synchronized void update(long done, long total, long paced, String detail) {
        if (err == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        window.addLast(new long[] {now, paced});
        while (window.size() > 2 && now - window.peekFirst()[0] > RATE_WINDOW_NANOS) {
            window.removeFirst();
        }
        lastDone = done;
        lastTotal = total;
        lastPaced = paced;
        lastDetail = detail;
        updated = true;
        if (now - lastPrinted < (terminal ? REDRAW_NANOS : periodNanos)) {
            return;
        }
        lastPrinted = now;
        StringBuilder text = new StringBuilder(counts());
        double rate = recentRate();
        if (rate > 0) {
            if (!rateUnit.isEmpty()) {
                text.append(String.format(Locale.ROOT, ", %.1f %s", rate, rateUnit));
            }
            if (total >= 0) {
                long left = (long) Math.ceil(Math.max(0, total - paced) / rate);
                text.append(", ETA ").append(clock(left));
            }
        }
        print(text.toString());
    }

    /**
     * Prints the last update as the final line, with the average rate and the time taken since this
     * line was made; nothing when there was no update.
     */
    public synchronized void finish() {
        if (err == null || !updated) {
            return;
        }
        double seconds = (nanoClock.getAsLong() - start) / 1e9;
        StringBuilder text = new StringBuilder(counts());
        if (!rateUnit.isEmpty() && seconds > 0) {
            text.append(String.format(Locale.ROOT, ", %.1f %s", lastPaced / seconds, rateUnit));
        }
        text.append(", in ").append(clock(Math.round(seconds)));
        print(text.toString());
        if (terminal) {
            err.println();
            err.flush();
            drawnLength = 0;
        }
        updated = false;
    }

    /** Clears a line drawn in place, so that another line can be printed; it is drawn again. */
    public synchronized void clear() {
        if (err != null && terminal && drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }

    private String counts() {
        String counts =
                lastTotal >= 0
                        ? String.format(Locale.ROOT, "%,d/%,d %s", lastDone, lastTotal, unit)
                        : String.format(Locale.ROOT, "%,d %s", lastDone, unit);
        return label + ": " + counts + (lastDetail.isEmpty() ? "" : ", " + lastDetail);
    }

    private double recentRate() {
        if (window.size() < 2) {
            return 0;
        }
        long[] first = window.peekFirst();
        long[] last = window.peekLast();
        long nanos = last[0] - first[0];
        return nanos <= 0 ? 0 : (last[1] - first[1]) * 1e9 / nanos;
    }

    private void print(String text) {
        if (terminal) {
            err.print("\r" + text + " ".repeat(Math.max(0, drawnLength - text.length())));
            drawnLength = text.length();
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
