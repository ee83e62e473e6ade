package io.fhs.cli;

import io.fhs.cli.bench.QueryBenchmark;
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
            names = "--texts",
            paramLabel = "FILE",
            description = "Query texts (default: CACM queries).")
    Path texts;

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
        List<TextRecord> source =
                JsonLines.read(
                        texts != null
                                ? texts
                                : home.resolve("../shared/data/cacm/queries.jsonl").normalize());
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queries.add(source.get(i % source.size()).text());
        }
        try (QueryBenchmark bench = new QueryBenchmark(conf)) {
            run(bench, "warm-up", queries.subList(0, Math.min(40, queries.size())), false);
            print(out, "hybrid, top 10", run(bench, "hybrid", queries, false), rate);
            if (conf.getOptional(ModelOptions.RERANK).isPresent()) {
                run(bench, "warm-up", queries.subList(0, Math.min(20, queries.size())), true);
                print(
                        out,
                        "hybrid + rerank top " + conf.get(QueryOptions.RERANK_TOP_N),
                        run(bench, "hybrid + rerank", queries, true),
                        rate);
            }
            ProgressLine burst = progress.line("burst", "queries answered", "queries/s");
            double seconds = bench.burst(queries, n -> burst.update(n, queries.size()));
            burst.finish();
            out.printf(
                    "burst: %d queries answered in %.1f s = %.0f queries/s sustained; %d error"
                            + " results%n",
                    queries.size(), seconds, queries.size() / seconds, bench.errors());
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
