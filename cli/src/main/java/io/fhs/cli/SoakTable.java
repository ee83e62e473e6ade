package io.fhs.cli;

import io.fhs.cli.bench.SoakLedger;
import io.fhs.cli.bench.SoakRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** What {@code fhs bench soak} prints and draws from its samples. */
final class SoakTable {
    static final String HEADER =
            String.format(
                    "%6s %8s %8s %8s %9s %8s %6s %6s %7s %7s %8s %8s",
                    "min",
                    "records",
                    "heap MB",
                    "RSS MB",
                    "Qdrant MB",
                    "points",
                    "lag",
                    "fresh",
                    "p50 ms",
                    "p99 ms",
                    "q sent",
                    "q answ");

    private SoakTable() {}

    static String row(SoakRun.Sample s) {
        return String.format(
                "%6.2f %8d %8.1f %8.1f %9s %8d %6d %6d %7s %7s %8d %8d",
                s.minute(),
                s.records(),
                s.heapMb(),
                s.rssMb(),
                Double.isNaN(s.qdrantRssMb()) ? "-" : String.format("%.1f", s.qdrantRssMb()),
                s.points(),
                s.lag(),
                s.freshDocs(),
                s.freshP50() < 0 ? "-" : Long.toString(s.freshP50()),
                s.freshP99() < 0 ? "-" : Long.toString(s.freshP99()),
                s.queriesSent(),
                s.queriesAnswered());
    }

    /**
     * Qdrant's RSS is reported, not judged: a database holding more points needs more memory, so it
     * is given per thousand points added after warm-up.
     */
    static Optional<String> qdrantGrowth(List<SoakRun.Sample> samples, double warmupMinutes) {
        List<SoakRun.Sample> after =
                samples.stream()
                        .filter(s -> s.minute() >= warmupMinutes && !Double.isNaN(s.qdrantRssMb()))
                        .toList();
        if (after.size() < 2) {
            return Optional.empty();
        }
        SoakRun.Sample first = after.get(0);
        SoakRun.Sample last = after.get(after.size() - 1);
        double mb = last.qdrantRssMb() - first.qdrantRssMb();
        long points = last.points() - first.points();
        return Optional.of(
                String.format(
                        "Qdrant RSS: %.1f -> %.1f MB (%+.1f MB) while points went %d -> %d"
                                + " (%.2f MB per 1000 points; not judged: it holds the data)",
                        first.qdrantRssMb(),
                        last.qdrantRssMb(),
                        mb,
                        first.points(),
                        last.points(),
                        points > 0 ? mb * 1000 / points : 0));
    }

    static String accounting(SoakLedger.Accounting b) {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        "accounting: %d records sent; %d records unread by the job; %d live"
                                + " documents",
                        b.records(), b.unread(), b.liveDocuments()));
        if (b.index() != null) {
            s.append(
                    String.format(
                            ": %d points expected, %d found, %d missing, %d stale, %d unexpected",
                            b.index().expected(),
                            b.index().found(),
                            b.index().missing(),
                            b.index().stale(),
                            b.index().unexpected()));
        }
        s.append(
                String.format(
                        "%n            %d bad records: %d without a dead letter, %d dead letters"
                                + " of good records; queries: %d sent, %d answered, %d errors",
                        b.badRecords(),
                        b.missingDeadLetters().size(),
                        b.unexpectedDeadLetters().size(),
                        b.queriesSent(),
                        b.queriesAnswered(),
                        b.queryErrors()));
        return s.toString();
    }

    /** PREFIX-memory.png (MB) and PREFIX-pipeline.png (points, lag, freshness); the files. */
    static List<Path> plot(Path prefix, List<SoakRun.Sample> samples) {
        Path memory = prefix.resolveSibling(prefix.getFileName() + "-memory.png");
        List<Charts.Line> mb = new ArrayList<>();
        mb.add(line("heap after GC", samples, SoakRun.Sample::heapMb));
        mb.add(line("JVM RSS", samples, SoakRun.Sample::rssMb));
        mb.add(line("Qdrant RSS", samples, SoakRun.Sample::qdrantRssMb));
        Charts.lines(memory, "Soak: memory", "minutes", "MB", mb);
        Path pipeline = prefix.resolveSibling(prefix.getFileName() + "-pipeline.png");
        Charts.lines(
                pipeline,
                "Soak: points in Qdrant / 100, consumer lag (records), freshness p99 (ms)",
                "minutes",
                "value",
                List.of(
                        line("points / 100", samples, s -> s.points() / 100.0),
                        line("consumer lag", samples, s -> s.lag()),
                        line(
                                "freshness p99 ms",
                                samples,
                                s -> s.freshP99() < 0 ? Double.NaN : s.freshP99())));
        return List.of(memory, pipeline);
    }

    private static Charts.Line line(
            String name, List<SoakRun.Sample> samples, ToDoubleFunction<SoakRun.Sample> y) {
        List<Charts.Point> points = new ArrayList<>();
        for (SoakRun.Sample s : samples) {
            double v = y.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                points.add(new Charts.Point(s.minute(), v));
            }
        }
        return new Charts.Line(name, points, false);
    }
}
