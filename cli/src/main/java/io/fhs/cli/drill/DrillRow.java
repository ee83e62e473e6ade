package io.fhs.cli.drill;

import io.fhs.cli.bench.IndexAudit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One phase of the fault drill: the fault, how long the job took to run again ({@code recovered})
 * and until the collection and dead letters were complete ({@code caughtUp}, NaN if never), the
 * audit and the dead letters found.
 */
public record DrillRow(
        String fault,
        double recovered,
        double caughtUp,
        IndexAudit.Report points,
        int lettersExpected,
        DeadLetterCount.Counts letters,
        int searchesFailed,
        String note) {

    static final String HEADER =
            String.format(
                    Locale.ROOT,
                    "%-18s %11s %11s %8s %8s %8s %6s %10s %8s %8s %8s  %s",
                    "fault",
                    "recovered s",
                    "caught up s",
                    "points",
                    "found",
                    "missing",
                    "stale",
                    "duplicates",
                    "letters",
                    "found",
                    "dup",
                    "note");

    /** Why this phase lost something; empty when it did not. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (points.missing() > 0) {
            p.add(points.missing() + " points missing");
        }
        if (points.stale() > 0) {
            p.add(points.stale() + " points stale");
        }
        if (points.unexpected() > 0) {
            p.add(points.unexpected() + " points of no live document (duplicates or left over)");
        }
        if (letters.found() < lettersExpected) {
            p.add((lettersExpected - letters.found()) + " dead letters missing");
        }
        if (letters.unexpected() > 0) {
            p.add(letters.unexpected() + " dead letters for good records");
        }
        if (searchesFailed > 0) {
            p.add(searchesFailed + " searches failed while a Qdrant node was down");
        }
        if (Double.isNaN(caughtUp) && p.isEmpty()) {
            p.add("never caught up");
        }
        return p;
    }

    public boolean ok() {
        return problems().isEmpty();
    }

    /** The row of the table printed under {@link #HEADER}. */
    public String line() {
        return String.format(
                Locale.ROOT,
                "%-18s %11s %11s %8d %8d %8d %6d %10d %8d %8d %8d  %s",
                fault,
                format(recovered),
                format(caughtUp),
                points.expected(),
                points.found(),
                points.missing(),
                points.stale(),
                points.unexpected(),
                lettersExpected,
                letters.found(),
                letters.duplicates(),
                note);
    }

    private static String format(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds);
    }

    public static String header() {
        return HEADER;
    }
}
