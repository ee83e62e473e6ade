package io.fhs.cli;

import io.fhs.cli.bench.QueryBenchmark;
import io.fhs.cli.bench.QueryMix;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhs bench query}: query latency at a fixed rate, with and without reranking. */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the query job's latency percentiles and sustained queries per second.",
            "Runs the query job (local Flink, parallelism 1) against a filled collection, sends",
            "queries at a fixed rate and prints p50/p95/p99 milliseconds from the query's Kafka",
            "append to its result on the results topic, without and with reranking; then the",
            "sustained queries/s of a burst. Needs Kafka, Qdrant and a collection (bin/fhs",
            "quickstart fills 'cacm')."
        })
final class QueryBenchCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--rate",
            defaultValue = "20",
            description = "Queries/s (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--queries",
            defaultValue = "400",
            description = "Queries per run (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--warmup",
            defaultValue = "400",
            description =
                    "Queries sent at the rate before the measured runs and not counted: the JIT"
                            + " compiles the job's hot paths in the first seconds, whose"
                            + " latencies a long-running job never shows again (default:"
                            + " ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--burst",
            defaultValue = "1500",
            description =
                    "Queries sent at once for the sustained rate (default: ${DEFAULT-VALUE}).")
    int burstSize;

    @Option(
            names = "--texts",
            paramLabel = "FILE",
            description =
                    "Query texts, JSON lines (default: the CACM queries, then the first words of"
                            + " each CACM document).")
    Path texts;

    @Option(
            names = "--repeat-ratio",
            defaultValue = "0.3",
            description =
                    "Share of queries that repeat an earlier one, popular ones more often (Zipf),"
                            + " as query logs do; the query cache answers these (default:"
                            + " ${DEFAULT-VALUE}).")
    double repeatRatio;

    @Mixin ConfigMixin options;

    @Mixin ProgressOptionsMixin progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path home = Path.of(System.getProperty("fhs.home", "."));
        options.defaultTo(QdrantOptions.COLLECTION, "cacm");
        Path reranker = home.resolve("operators/target/test-models/tiny-cross-encoder");
        if (Files.isDirectory(reranker)) {
            options.defaultTo(ModelOptions.RERANK, reranker.toString());
        }
        String run = "bench-query-" + System.currentTimeMillis();
        options.overrides.put(QueryOptions.TOPIC.key(), run);
        options.overrides.put(QueryOptions.RESULTS_TOPIC.key(), run + "-results");
        options.overrides.put(QueryOptions.GROUP_ID.key(), run);
        // A fresh topic: queries sent while the job starts must be answered too.
        options.overrides.put(QueryOptions.FROM_EARLIEST.key(), "true");
        Configuration conf = options.query();
        List<String> pool = texts != null ? texts(texts) : cacmTexts(home);
        boolean rerank = conf.getOptional(ModelOptions.RERANK).isPresent();
        // One stream for all runs, each taking the next slice: later runs meet the repeats of
        // earlier ones in the cache, as a long-running job does.
        int total = warmup + 2 * count + 20 + burstSize;
        Iterator<String> mix = QueryMix.of(pool, total, repeatRatio, 42).iterator();
        try (QueryBenchmark bench = new QueryBenchmark(conf)) {
            run(bench, "warm-up", take(mix, warmup), false);
            report(out, "hybrid, top 10", bench, run(bench, "hybrid", take(mix, count), false));
            if (rerank) {
                run(bench, "warm-up", take(mix, 20), true);
                report(
                        out,
                        "hybrid + rerank top " + conf.get(QueryOptions.RERANK_TOP_N),
                        bench,
                        run(bench, "hybrid + rerank", take(mix, count), true));
            }
            List<String> burstTexts = take(mix, burstSize);
            ProgressLine burst = progress.line("burst", "queries answered", "queries/s");
            double seconds = bench.burst(burstTexts, n -> burst.update(n, burstTexts.size()));
            burst.finish();
            out.printf(
                    "burst: %d queries answered in %.1f s = %.0f queries/s sustained; %d error"
                            + " results%n",
                    burstTexts.size(), seconds, burstTexts.size() / seconds, bench.errors());
            breakdown(out, bench.breakdown());
        }
        out.printf("reranker: %s%n", conf.getOptional(ModelOptions.RERANK).orElse("none"));
        out.flush();
        return 0;
    }

    private long[] run(QueryBenchmark bench, String label, List<String> queries, boolean rerank)
            throws Exception {
        ProgressLine line = progress.line(label, "queries answered", "queries/s");
        long[] ms = bench.run(queries, rate, rerank, n -> line.update(n, queries.size()));
        line.finish();
        return ms;
    }

    private static List<String> take(Iterator<String> mix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n && mix.hasNext(); i++) {
            out.add(mix.next());
        }
        return out;
    }

    private static List<String> texts(Path file) {
        return JsonLines.read(file).stream().map(TextRecord::text).toList();
    }

    // Short queries as people type them: the CACM queries, then each document's first words
    // (its title, which CACM keeps at the start of the text).
    private static List<String> cacmTexts(Path home) {
        Path cacm = home.resolve("../shared/data/cacm").normalize();
        List<String> out = new ArrayList<>(texts(cacm.resolve("queries.jsonl")));
        for (String doc : texts(cacm.resolve("corpus.jsonl"))) {
            String[] words = doc.split("\\s+");
            out.add(String.join(" ", Arrays.asList(words).subList(0, Math.min(8, words.length))));
        }
        return out;
    }

    private void report(PrintWriter out, String what, QueryBenchmark bench, long[] ms) {
        print(out, what, ms, rate);
        breakdown(out, bench.breakdown());
    }

    private static void breakdown(PrintWriter out, QueryBenchmark.Breakdown b) {
        StringBuilder line = new StringBuilder("  where the time goes, p50 / p99 ms:");
        for (int i = 0; i < QueryBenchmark.Breakdown.STAGES.size(); i++) {
            line.append(
                    String.format(
                            " %s %d / %d;",
                            QueryBenchmark.Breakdown.STAGES.get(i),
                            b.percentile(i, 50),
                            b.percentile(i, 99)));
        }
        out.println(line);
        out.printf(
                "  query cache hits: %.0f %% of %d queries%n",
                100 * b.cacheHitRate(), b.rows().size());
        out.flush();
    }

    private static void print(PrintWriter out, String what, long[] ms, double rate) {
        out.printf(
                "%-28s at %.0f q/s: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (%d queries)%n",
                what,
                rate,
                QueryBenchmark.percentile(ms, 50),
                QueryBenchmark.percentile(ms, 95),
                QueryBenchmark.percentile(ms, 99),
                QueryBenchmark.percentile(ms, 100),
                ms.length);
        out.flush();
    }
}
