package io.fhs.cli;

import io.fhs.cli.bench.IngestBenchmark;
import io.fhs.cli.bench.MemoryGrowth;
import io.fhs.cli.bench.ProcessMemory;
import io.fhs.cli.bench.SoakLedger;
import io.fhs.cli.bench.SoakRun;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fhs bench soak}: ingest and query together for a while; memory and accounting. */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "Run the ingest and query jobs together for --minutes at half the measured capacity.",
            "Sends documents (ids cycling a bounded id space, --ids, texts cycling the corpus;",
            "updates, deletes and records the job must dead-letter among them) and queries;",
            "every --sample-seconds prints heap after GC,",
            "RSS of this JVM and of Qdrant, points, consumer lag, freshness and queries answered.",
            "Then drains and checks that every record is accounted for: the collection holds",
            "exactly the live documents' points, every bad record has its dead letter, every query",
            "its answer. Exits 1 when heap or RSS grows after warm-up (see MemoryGrowth) or",
            "anything is unaccounted for. Needs Kafka and Qdrant (bin/fhs local up)."
        })
final class SoakBenchCommand implements Callable<Integer> {
    private static final double MB = 1024.0 * 1024.0;

    @Spec CommandSpec spec;

    @Option(
            names = "--minutes",
            defaultValue = "30",
            description = "How long to run (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(
            names = "--sample-seconds",
            defaultValue = "60",
            description = "Seconds between samples (default: ${DEFAULT-VALUE}).")
    int sampleSeconds;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Input docs/s; 0 = half the bare encoder's docs/s over a sample.")
    double rate;

    @Option(
            names = "--capacity-docs",
            defaultValue = "200",
            description =
                    "Documents the bare encoder measures capacity on (default: ${DEFAULT-VALUE}).")
    int capacityDocs;

    @Option(
            names = "--ids",
            defaultValue = "0",
            description =
                    "Distinct document ids; 0 = as many as the warm-up writes, so that state and"
                            + " points are full when memory starts being judged.")
    int ids;

    @Option(
            names = "--query-rate",
            defaultValue = "5",
            description = "Queries/s (default: ${DEFAULT-VALUE}).")
    double queryRate;

    @Option(
            names = "--drain-seconds",
            defaultValue = "300",
            description =
                    "After the run, how long the job may take to catch up and the books to"
                            + " balance (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(
            names = "--qdrant-pid",
            description = "Qdrant's process, for its RSS (default: .local/run/qdrant.pid, if any).")
    Long qdrantPid;

    @Option(
            names = "--plot",
            paramLabel = "PREFIX",
            description =
                    "Draw PREFIX-memory.png and PREFIX-pipeline.png (default: target/soak under"
                            + " the project).")
    Path plot;

    @Option(names = "--docs", paramLabel = "FILE", description = "Corpus (default: CACM).")
    Path docs;

    @Mixin ConfigMixin options;

    @Override
    public Integer call() throws Exception {
        checkSampling();
        PrintWriter out = spec.commandLine().getOut();
        Path home = Path.of(System.getProperty("fhs.home", "."));
        List<TextRecord> corpus =
                JsonLines.read(
                        docs != null
                                ? docs
                                : home.resolve("../shared/data/cacm/corpus.jsonl").normalize());
        List<String> queries = new ArrayList<>();
        JsonLines.read(home.resolve("../shared/data/cacm/queries.jsonl").normalize())
                .forEach(q -> queries.add(q.text()));
        String run = "soak-" + System.currentTimeMillis();
        Configuration ingest = IngestBenchCommand.renamed(options.ingest(), run);
        Configuration query = queryConf(run);
        double docsPerSecond = rate > 0 ? rate : capacity(ingest, corpus, out) / 2;
        OptionalLong qdrant = qdrantPid(home);
        int idSpace = ids > 0 ? ids : warmUpIds(docsPerSecond);
        out.printf(
                "soak %s: %.0f min, documents at %.1f/s over %d ids, queries at %.1f/s, a sample"
                        + " every %d s; max heap %.0f MB; Qdrant pid %s%n",
                run,
                minutes,
                docsPerSecond,
                idSpace,
                queryRate,
                sampleSeconds,
                ProcessMemory.maxHeap() / MB,
                qdrant.isPresent() ? qdrant.getAsLong() : "unknown (no Qdrant RSS)");
        out.flush();
        List<SoakRun.Sample> samples = new ArrayList<>();
        SoakLedger.Accounting books;
        try (SoakRun soak =
                new SoakRun(
                        ingest,
                        query,
                        corpus,
                        queries,
                        docsPerSecond,
                        idSpace,
                        queryRate,
                        qdrant)) {
            soak.start();
            out.println(SoakTable.HEADER);
            out.flush();
            long start = System.nanoTime();
            long period = Duration.ofSeconds(sampleSeconds).toNanos();
            for (int k = 1; k * (double) sampleSeconds <= minutes * 60; k++) {
                pace(start + k * period);
                SoakRun.Sample s = soak.sample((System.nanoTime() - start) / 6e10);
                samples.add(s);
                out.println(SoakTable.row(s));
                out.flush();
            }
            out.printf("draining (at most %d s) ...%n", drainSeconds);
            out.flush();
            books = soak.drain(Duration.ofSeconds(drainSeconds));
        } finally {
            IngestBenchCommand.dropCollections(ingest, run);
        }
        return verdict(out, samples, books);
    }

    /**
     * New-document records in the first 80% of the warm-up (about 0.83 of all records are new
     * documents), so that every id has been written before memory is judged.
     */
    private int warmUpIds(double docsPerSecond) {
        double warmUpRecords = docsPerSecond * 60 * MemoryGrowth.warmupMinutes(minutes);
        return (int) Math.max(100, warmUpRecords * 0.8 * 0.83);
    }

    private int verdict(PrintWriter out, List<SoakRun.Sample> samples, SoakLedger.Accounting books)
            throws IOException {
        double maxHeapMb = ProcessMemory.maxHeap() / MB;
        double warmup = MemoryGrowth.warmupMinutes(minutes);
        double[] t = samples.stream().mapToDouble(SoakRun.Sample::minute).toArray();
        List<MemoryGrowth> growth = new ArrayList<>();
        growth.add(
                MemoryGrowth.of(
                        "heap after GC",
                        t,
                        samples.stream().mapToDouble(SoakRun.Sample::heapMb).toArray(),
                        warmup,
                        maxHeapMb));
        if (samples.stream().noneMatch(s -> Double.isNaN(s.rssMb()))) {
            growth.add(
                    MemoryGrowth.of(
                            "JVM RSS",
                            t,
                            samples.stream().mapToDouble(SoakRun.Sample::rssMb).toArray(),
                            warmup,
                            maxHeapMb));
        }
        out.printf("%nmemory after a warm-up of %.1f min:%n", warmup);
        growth.forEach(g -> out.println("  " + g.describe()));
        SoakTable.qdrantGrowth(samples, warmup).ifPresent(line -> out.println("  " + line));
        out.println(SoakTable.accounting(books));
        Path prefix =
                plot != null
                        ? plot
                        : Path.of(System.getProperty("fhs.home", "."), "target", "soak");
        for (Path png : SoakTable.plot(prefix, samples)) {
            spec.commandLine().getErr().println("fhs bench soak: chart written to " + png);
        }
        List<String> failures = new ArrayList<>();
        growth.stream()
                .filter(MemoryGrowth::leaking)
                .forEach(g -> failures.add(g.what() + " grows"));
        failures.addAll(books.problems());
        out.println(
                failures.isEmpty()
                        ? "soak passed: memory flat, every record and query accounted for"
                        : "soak FAILED: " + String.join("; ", failures));
        out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    private void checkSampling() {
        int total = (int) Math.floor(minutes * 60 / sampleSeconds);
        double warmup = MemoryGrowth.warmupMinutes(minutes);
        long after = 0;
        for (int k = 1; k <= total; k++) {
            after += k * sampleSeconds / 60.0 >= warmup ? 1 : 0;
        }
        if (sampleSeconds < 1 || after < MemoryGrowth.MIN_SAMPLES) {
            throw new ParameterException(
                    spec.commandLine(),
                    String.format(
                            "--minutes %s with --sample-seconds %d leaves %d samples after the"
                                    + " warm-up of %.1f min; a slope needs at least %d",
                            minutes, sampleSeconds, after, warmup, MemoryGrowth.MIN_SAMPLES));
        }
    }

    private Configuration queryConf(String run) {
        Configuration c = options.query();
        c.set(QueryOptions.TOPIC, run + "-queries");
        c.set(QueryOptions.RESULTS_TOPIC, run + "-results");
        c.set(QueryOptions.GROUP_ID, run + "-queries");
        // A fresh topic: queries sent while the job starts must be answered too.
        c.set(QueryOptions.FROM_EARLIEST, true);
        c.set(QdrantOptions.COLLECTION, run);
        return c;
    }

    /** The bare dense encoder's docs/s over the first {@code --capacity-docs} documents. */
    private double capacity(Configuration conf, List<TextRecord> corpus, PrintWriter out) {
        List<TextRecord> sample = corpus.subList(0, Math.min(capacityDocs, corpus.size()));
        double seconds =
                IngestBenchmark.bareEncoderSeconds(conf, IngestBenchmark.chunkTexts(conf, sample));
        double docsPerSecond = sample.size() / seconds;
        out.printf(
                "capacity: the bare encoder takes %.1f s for %d documents = %.1f docs/s%n",
                seconds, sample.size(), docsPerSecond);
        return docsPerSecond;
    }

    private OptionalLong qdrantPid(Path home) throws IOException {
        if (qdrantPid != null) {
            return OptionalLong.of(qdrantPid);
        }
        Path file = home.resolve(".local/run/qdrant.pid");
        if (!Files.isRegularFile(file)) {
            return OptionalLong.empty();
        }
        String pid = Files.readString(file).trim();
        return pid.matches("\\d+") ? OptionalLong.of(Long.parseLong(pid)) : OptionalLong.empty();
    }

    // Samples fall on a fixed grid from the start, however long taking one took.
    private static void pace(long dueNanos) throws InterruptedException {
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
