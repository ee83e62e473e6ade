package io.fhs.cli;

import io.fhs.cli.bench.FreshnessProbe;
import io.fhs.cli.bench.IngestBenchmark;
import io.fhs.cli.bench.IngestBenchmark.BareLayout;
import io.fhs.cli.bench.IngestBenchmark.Throughput;
import io.fhs.cli.bench.IngestBenchmark.Window;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fhs bench ingest}: the ingest job against the bare encoder, and freshness. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the ingest job's throughput against the bare encoder, and its freshness.",
            "Runs the ingest job (local Flink, --parallelism) from Kafka into a fresh Qdrant",
            "collection, then sends the same documents again under new ids into the running job",
            "(the burst), and compares the burst's docs/s (steady) and the new job's from its",
            "submission (incl. start-up) with the bare dense encoder over the same chunk texts",
            "(measured before and after the job). Then runs the job again and sends documents at",
            "a fixed rate (default: half the measured capacity) to measure freshness, from Kafka",
            "append to the point being returned by Qdrant.",
            "Needs Kafka and Qdrant (bin/fhs local up)."
        })
final class IngestBenchCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--docs", paramLabel = "FILE", description = "Corpus (default: CACM).")
    Path docs;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "Documents for the throughput run; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--freshness-docs",
            defaultValue = "600",
            description = "Documents sent for freshness (default: ${DEFAULT-VALUE}).")
    int freshnessDocs;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Freshness input docs/s; 0 = half the measured capacity.")
    double rate;

    @Option(
            names = "--warmup-docs",
            defaultValue = "1000",
            description =
                    "Documents for a warm-up run of the job before the measured one; 0 = none"
                            + " (default: ${DEFAULT-VALUE}).")
    int warmupDocs;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            description =
                    "Subtasks per operator of the measured job, and partitions of its topic"
                            + " (default: ${DEFAULT-VALUE}). Give encode.workers and"
                            + " encode.threads so that subtasks x workers x threads = cores.")
    int parallelism;

    @Option(
            names = "--plot",
            paramLabel = "PREFIX",
            description =
                    "Also draw PREFIX-throughput.png (chunks in Qdrant over time, against the"
                            + " bare encoder's pace) and PREFIX-freshness.png.")
    Path plot;

    @Mixin ConfigMixin options;

    @Mixin ProgressOptionsMixin progress;

    // The benchmark's collections are throw-away; a local Qdrant should not fill up with them.
    static void dropCollections(Configuration conf, String... names) {
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            for (String name : names) {
                CollectionAliases.drop(client, name);
            }
        }
    }

    /** {@code conf} with its own topics, consumer group and collection, all named {@code name}. */
    static Configuration renamed(Configuration conf, String name) {
        Configuration c = new Configuration(conf);
        c.set(IngestOptions.TOPIC, name);
        c.set(IngestOptions.DEAD_LETTER_TOPIC, name + "-dlq");
        c.set(IngestOptions.GROUP_ID, name);
        c.set(QdrantOptions.COLLECTION, name);
        return c;
    }

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--parallelism must be >= 1, got " + parallelism);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path home = Path.of(System.getProperty("fhs.home", "."));
        Path corpus =
                docs != null ? docs : home.resolve("../shared/data/cacm/corpus.jsonl").normalize();
        List<TextRecord> all = JsonLines.read(corpus);
        List<TextRecord> used = limit > 0 ? all.subList(0, Math.min(limit, all.size())) : all;
        String run = "bench-" + System.currentTimeMillis();
        Configuration conf = options.load(ConfigMixin.INGEST_FILE);
        conf = renamed(conf, run);
        IngestOptions.sanityCheck(conf);

        List<String> texts = IngestBenchmark.chunkTexts(conf, used);
        out.printf(
                "%d documents, %d chunks (%s); parallelism %d on %d cores%n",
                used.size(),
                texts.size(),
                corpus,
                parallelism,
                Runtime.getRuntime().availableProcessors());
        out.flush();
        int cores = Runtime.getRuntime().availableProcessors();
        BareLayout peer = BareLayout.ONE_CALL;
        double before = IngestBenchmark.bareEncoderSeconds(conf, texts, peer);
        out.printf("bare encoder:   %.1f s (%s)%n", before, peer.label(cores));
        out.flush();
        if (cores > 1) {
            // The job runs single-threaded workers side by side; whichever layout is faster on
            // this machine is the ceiling the job is held to.
            double sideBySide =
                    IngestBenchmark.bareEncoderSeconds(conf, texts, BareLayout.SIDE_BY_SIDE);
            out.printf(
                    "bare encoder:   %.1f s (%s)%n",
                    sideBySide, BareLayout.SIDE_BY_SIDE.label(cores));
            if (sideBySide < before) {
                peer = BareLayout.SIDE_BY_SIDE;
                before = sideBySide;
            }
            out.printf("peer:           %s, the faster%n", peer.label(cores));
            out.flush();
        }
        if (warmupDocs > 0) {
            // The bare encoder runs warm (a warm-up call, then in a JVM that has run it); the job
            // gets the same: one short run first, so the JIT compiles Flink, Kafka and gRPC code
            // before the new job's start-up is timed.
            Configuration warm = renamed(conf, run + "-warmup");
            List<TextRecord> warmDocs = used.subList(0, Math.min(warmupDocs, used.size()));
            produce(warm, warmDocs);
            long warmChunks = IngestBenchmark.chunkTexts(warm, warmDocs).size();
            ProgressLine warmLine = progress.line("warm-up job", "chunks in Qdrant", "chunks/s");
            Window w =
                    IngestBenchmark.runJob(
                            warm, warmChunks, parallelism, n -> warmLine.update(n, warmChunks));
            warmLine.finish();
            dropCollections(conf, run + "-warmup");
            out.printf("warm-up job:    %.1f s (%d documents)%n", w.seconds(), warmDocs.size());
            out.flush();
        }
        produce(conf, used);
        List<Charts.Point> indexed = new ArrayList<>();
        long jitBefore = jitMillis();
        long[] jitAtBurst = {-1};
        long jobStart = System.nanoTime();
        ProgressLine jobLine = progress.line("ingest job", "chunks in Qdrant", "chunks/s");
        ProgressLine burstLine = progress.line("burst", "chunks in Qdrant", "chunks/s");
        List<TextRecord> again = underNewIds(used, "~burst");
        Configuration measured = conf;
        Window[] job =
                IngestBenchmark.runJobThenBurst(
                        conf,
                        texts.size(),
                        parallelism,
                        n -> {
                            indexed.add(new Charts.Point((System.nanoTime() - jobStart) / 1e9, n));
                            jobLine.update(n, texts.size());
                        },
                        first -> {
                            jobLine.finish();
                            out.printf(
                                    "ingest job:     %.1f s (first point after %.1f s; a new"
                                            + " job, from its submission)%n",
                                    first.seconds(), first.firstPointSeconds());
                            printJit(out, "the new job", jitBefore, first.seconds());
                            out.flush();
                            jitAtBurst[0] = jitMillis();
                            IngestCommand.produce(measured, again); // the topic exists now
                        },
                        n -> burstLine.update(n, texts.size()));
        burstLine.finish();
        out.printf(
                "burst:          %.1f s (first point after %.1f s; the same documents under new"
                        + " ids, sent to the job once it had indexed the first ones)%n",
                job[1].seconds(), job[1].firstPointSeconds());
        // What the JIT compilers still take is taken from the job (not from the bare encoder, whose
        // Java side is small): shown so that a low ratio can be read.
        printJit(out, "the burst", jitAtBurst[0], job[1].seconds());
        out.flush();
        double after = IngestBenchmark.bareEncoderSeconds(conf, texts, peer);
        out.printf("bare encoder:   %.1f s (%s)%n", after, peer.label(cores));
        Throughput t =
                new Throughput(used.size(), texts.size(), before, after, job[0].seconds(), job[1]);
        Throughput newJob =
                new Throughput(used.size(), texts.size(), before, after, job[0].seconds(), job[0]);
        out.printf(
                "%nthe new job alone, first point to last: %.1f docs/s (ratio %.2f)%n",
                newJob.steadyDocsPerSecond(),
                newJob.steadyDocsPerSecond() / newJob.bareDocsPerSecond());
        out.printf("%s%n", t.summary());
        out.flush();
        if (plot != null) {
            plotThroughput(indexed, texts.size() / Math.min(before, after), texts.size());
        }

        if (freshnessDocs == 0) {
            dropCollections(conf, run);
            return 0;
        }
        double r = rate > 0 ? rate : t.steadyDocsPerSecond() / 2;
        conf = renamed(conf, run + "-fresh");
        List<TextRecord> fresh = new ArrayList<>();
        for (int i = 0; i < freshnessDocs; i++) {
            fresh.add(all.get(i % all.size()));
        }
        out.printf("%nfreshness: %d documents at %.1f docs/s ...%n", fresh.size(), r);
        out.flush();
        FreshnessProbe.Latencies l = FreshnessProbe.run(conf, fresh, r);
        dropCollections(conf, run, run + "-fresh");
        out.printf(
                "freshness ms (Kafka append -> visible in Qdrant): p50 %d, p95 %d, p99 %d, max %d"
                        + " (%d documents at %.1f docs/s)%n",
                l.percentile(50),
                l.percentile(95),
                l.percentile(99),
                l.percentile(100),
                l.sortedMs().length,
                r);
        out.flush();
        if (plot != null) {
            plotFreshness(l);
        }
        return 0;
    }

    /** {@code docs} again under new ids, so that the job encodes them instead of skipping them. */
    static List<TextRecord> underNewIds(List<TextRecord> docs, String suffix) {
        List<TextRecord> renamed = new ArrayList<>(docs.size());
        for (TextRecord d : docs) {
            renamed.add(new TextRecord(d.id() + suffix, d.title(), d.text()));
        }
        return renamed;
    }

    private static void printJit(PrintWriter out, String during, long jitBefore, double seconds) {
        if (jitBefore >= 0) {
            long jit = jitMillis() - jitBefore;
            out.printf(
                    "JIT compilers:  %.1f s during %s (%.1f%% of one core)%n",
                    jit / 1e3, during, 100.0 * jit / 1e3 / seconds);
        }
    }

    /** Milliseconds the JIT compilers have spent so far; -1 where the JVM does not say. */
    private static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime()
                : -1;
    }

    private void produce(Configuration conf, List<TextRecord> docs) throws Exception {
        if (parallelism > 1) {
            IngestBenchmark.createTopic(conf, parallelism);
        }
        IngestCommand.produce(conf, docs);
    }

    private Path plotFile(String suffix) {
        return plot.resolveSibling(plot.getFileName() + "-" + suffix + ".png");
    }

    private void plotThroughput(
            List<Charts.Point> indexed, double bareChunksPerSecond, long chunks) {
        List<Charts.Point> bare = new ArrayList<>();
        double end = indexed.isEmpty() ? 0 : indexed.get(indexed.size() - 1).x();
        bare.add(new Charts.Point(0, 0));
        bare.add(
                new Charts.Point(
                        Math.min(end, chunks / bareChunksPerSecond),
                        Math.min(chunks, end * bareChunksPerSecond)));
        Path png = plotFile("throughput");
        Charts.lines(
                png,
                "Ingest job: chunks in Qdrant over time (" + chunks + " chunks)",
                "seconds since the job was submitted",
                "chunks indexed",
                List.of(
                        new Charts.Line("ingest job", indexed, false),
                        new Charts.Line("bare encoder's pace (no start-up)", bare, false)));
        spec.commandLine().getErr().println("fhs bench ingest: chart written to " + png);
    }

    private void plotFreshness(FreshnessProbe.Latencies l) {
        long first =
                l.samples().stream().mapToLong(FreshnessProbe.Sample::appendedMs).min().orElse(0);
        List<Charts.Point> points = new ArrayList<>();
        for (FreshnessProbe.Sample s : l.samples()) {
            points.add(new Charts.Point((s.appendedMs() - first) / 1e3, s.latencyMs()));
        }
        Path png = plotFile("freshness");
        Charts.lines(
                png,
                String.format(
                        "Freshness at %.1f docs/s: p50 %d ms, p99 %d ms",
                        l.rate(), l.percentile(50), l.percentile(99)),
                "seconds since the first document was sent",
                "ms from Kafka append to visible in Qdrant",
                List.of(new Charts.Line("document", points, true)));
        spec.commandLine().getErr().println("fhs bench ingest: chart written to " + png);
    }
}
