package io.fhs.cli.bench;

/**
 * Whether a memory series (MB per minute of a soak) grows without bound: the least-squares slope
 * over the samples after warm-up, and the verdict.
 *
 * <p>The rule: a leak is a slope above {@value #MAX_SLOPE_MB_PER_MINUTE} MB/min over the whole
 * window after warm-up <em>and</em> over its second half (sustained: a cache that fills once and
 * then stays flat passes), <em>and</em> a projected growth over 24 h above {@value
 * #MAX_DAILY_FRACTION} of the reference size (the JVM's max heap). The absolute floor keeps the
 * sampling noise of a short run (a few MB between two GCs) from projecting to a "leak"; the
 * relative one says what matters to an operator: a process that would grow by a tenth of its heap
 * in a day runs out of memory within days, below that a weekly restart (an upgrade) comes first.
 */
public record MemoryGrowth(
        String what,
        int samples,
        double slopeMbPerMinute,
        double secondHalfSlopeMbPerMinute,
        double referenceMb) {

    public static final double MAX_SLOPE_MB_PER_MINUTE = 1.0;
    public static final double MAX_DAILY_FRACTION = 0.10;

    /** Fewer samples after warm-up than this give no slope worth judging. */
    public static final int MIN_SAMPLES = 4;

    private static final double MINUTES_PER_DAY = 24 * 60;

    /** The warm-up a soak of {@code minutes} leaves out: 20% of the run, at most 5 minutes. */
    public static double warmupMinutes(double minutes) {
        return Math.min(5, minutes * 0.2);
    }

    /**
     * The growth of {@code mb} sampled at {@code minutes}, leaving out the samples before {@code
     * warmupMinutes}.
     *
     * @throws IllegalArgumentException with fewer than {@link #MIN_SAMPLES} samples after warm-up
     */
    public static MemoryGrowth of(
            String what, double[] minutes, double[] mb, double warmupMinutes, double referenceMb) {
        int from = 0;
        while (from < minutes.length && minutes[from] < warmupMinutes) {
            from++;
        }
        int n = minutes.length - from;
        if (n < MIN_SAMPLES) {
            throw new IllegalArgumentException(
                    what
                            + ": "
                            + n
                            + " samples after a warm-up of "
                            + warmupMinutes
                            + " min; at least "
                            + MIN_SAMPLES
                            + " are needed for a slope");
        }
        double whole = slope(minutes, mb, from, minutes.length);
        double secondHalf = slope(minutes, mb, from + n / 2, minutes.length);
        return new MemoryGrowth(what, n, whole, secondHalf, referenceMb);
    }

    /** Least-squares slope of {@code y} over {@code x} for indexes [from, to). */
    static double slope(double[] x, double[] y, int from, int to) {
        int n = to - from;
        if (n < 2) {
            return 0;
        }
        double mx = 0;
        double my = 0;
        for (int i = from; i < to; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = from; i < to; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    /** MB the whole-window slope adds in 24 hours. */
    public double projectedMbPerDay() {
        return slopeMbPerMinute * MINUTES_PER_DAY;
    }

    public boolean leaking() {
        return slopeMbPerMinute > MAX_SLOPE_MB_PER_MINUTE
                && secondHalfSlopeMbPerMinute > MAX_SLOPE_MB_PER_MINUTE
                && projectedMbPerDay() > MAX_DAILY_FRACTION * referenceMb;
    }

    /** One line for the summary. */
    public String describe() {
        return String.format(
                "%s: %+.2f MB/min after warm-up (%d samples; second half %+.2f MB/min),"
                        + " %+.0f MB/day projected = %.1f%% of %.0f MB: %s",
                what,
                slopeMbPerMinute,
                samples,
                secondHalfSlopeMbPerMinute,
                projectedMbPerDay(),
                100 * projectedMbPerDay() / referenceMb,
                referenceMb,
                leaking() ? "GROWS" : "flat");
    }
}
