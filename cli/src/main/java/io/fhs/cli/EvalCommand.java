package io.fhs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.cli.bench.IngestBenchmark;
import io.fhs.cli.eval.EvalRunner;
import io.fhs.cli.eval.Metrics;
import io.fhs.cli.eval.Qrels;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.SearchRequest.Mode;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.options.SparseScope;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QuerySettings.Ranking;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.sparse.Bm25Encoder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhs eval}: retrieval quality on a BEIR-layout dataset. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Measure search quality on a BEIR dataset (NDCG@10, MRR@10, MAP@100, Recall@100).",
            "Ingests the corpus through the ingest job's graph into a collection (kept and reused",
            "while it holds the same points), runs the judged queries and scores them with",
            "trec_eval's definitions (graded NDCG). Needs Qdrant (bin/fhs local up)."
        })
final class EvalCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "BEIR dataset.")
    Path dataset;

    @Option(names = "--mode", defaultValue = "hybrid", description = "dense, sparse or hybrid.")
    String mode;

    @Option(names = "--modes", paramLabel = "all", description = "all: every mode in one table.")
    String modes;

    @Option(names = "--exact", description = "Exact (not HNSW) dense search.")
    boolean exact;

    @Option(names = "--fusion", defaultValue = "rrf", description = "Hybrid fusion: rrf or dbsf.")
    String fusion;

    @Option(names = "--rrf-k", defaultValue = "60", description = "RRF constant (ranks from 1).")
    int rrfK;

    @Option(
            names = "--weights",
            defaultValue = "1,1",
            paramLabel = "DENSE,SPARSE",
            description = "Hybrid RRF weights; other than 1,1 fuses on the client.")
    String weights;

    @Option(
            names = "--quantization",
            defaultValue = "none",
            paramLabel = "none|int8|binary[,...]",
            description =
                    "Client-side quantization; a list (e.g. none,int8,binary) evaluates each in"
                            + " its own collection, rows labelled [quantization].")
    String quantization;

    @Option(names = "--rerank", description = "Rerank with a cross-encoder (needs a model).")
    boolean rerank;

    @Option(
            names = "--rerank-top-n",
            defaultValue = "20",
            description = "Documents the cross-encoder reorders (default: ${DEFAULT-VALUE}).")
    int rerankTopN;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(
            names = "--plot",
            paramLabel = "FILE.png",
            description = "Also draw NDCG@10, MRR@10 and Recall@100 of every mode as a bar chart.")
    Path plot;

    @Mixin ConfigMixin options;

    @Mixin ProgressOptionsMixin progress;

    @Override
    public Integer call() throws Exception {
        String rerankModel = options.overrides.get(ModelOptions.RERANK.key());
        if (rerank && rerankModel == null) {
            throw new IllegalArgumentException(
                    "--rerank needs a cross-encoder: -D model.rerank=DIR (an ONNX export, see"
                            + " README)");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<TextRecord> corpus = JsonLines.read(file("corpus.jsonl"));
        List<TextRecord> allQueries = JsonLines.read(file("queries.jsonl"));
        Qrels qrels = Qrels.read(dataset.resolve("qrels").resolve("test.tsv"));
        Set<String> judged = Set.copyOf(qrels.judgedQueries());
        List<TextRecord> queries =
                allQueries.stream().filter(q -> judged.contains(q.id())).toList();

        List<String> quantizations = quantizations();
        Map<String, Metrics.Summary> table = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        // Per quantization, its rows under their unsuffixed labels (for the chart).
        Map<String, Map<String, Metrics.Summary>> byQuantization = new LinkedHashMap<>();
        for (String q : quantizations) {
            Map<String, Metrics.Summary> rows = new LinkedHashMap<>();
            Map<String, Double> times = new LinkedHashMap<>();
            evaluate(q, corpus, queries, qrels, rows, times);
            String suffix = quantizations.size() > 1 ? " [" + q + "]" : "";
            rows.forEach((label, summary) -> table.put(label + suffix, summary));
            times.forEach((label, t) -> seconds.put(label + suffix, t));
            byQuantization.put(q, rows);
        }
        if (json) {
            printJson(out, table, seconds);
        } else {
            printTable(out, table, seconds);
        }
        if (plot != null) {
            plot(table, byQuantization);
            spec.commandLine().getErr().println("fhs eval: chart written to " + plot);
        }
        out.flush();
        return 0;
    }

    /** Ingests the corpus with quantization {@code q} and runs every setting's queries. */
    private void evaluate(
            String q,
            List<TextRecord> corpus,
            List<TextRecord> queries,
            Qrels qrels,
            Map<String, Metrics.Summary> table,
            Map<String, Double> seconds)
            throws Exception {
        Configuration conf = conf(q);
        // The chunks the ingest job will make: their count is the collection's expected size.
        List<String> chunks = IngestBenchmark.chunkTexts(conf, corpus);
        if (!options.sets(ModelOptions.BM25_AVG_LEN)) {
            // BM25 wants the collection's real average length, which a corpus on disk tells.
            conf.set(ModelOptions.BM25_AVG_LEN, averageLength(conf, corpus, chunks));
        }
        if (rerank) {
            conf.set(QueryOptions.RERANK_TOP_N, rerankTopN);
        }
        try (EvalRunner runner = new EvalRunner(conf)) {
            long start = System.nanoTime();
            long points =
                    runner.ingest(
                            corpus,
                            chunks.size(),
                            progress.line("ingest", "documents read", "docs/s"));
            System.err.printf(
                    "Collection %s: %d points (%.0f s, restarts: %d)%n",
                    conf.get(QdrantOptions.COLLECTION),
                    points,
                    (System.nanoTime() - start) / 1e9,
                    runner.ingestRestarts());
            for (Ranking s : rankings()) {
                long t = System.nanoTime();
                ProgressLine line = progress.line(label(s), "queries", "queries/s");
                var run = runner.search(queries, s, n -> line.update(n, queries.size()));
                line.finish();
                table.put(label(s), Metrics.Summary.of(run, qrels));
                seconds.put(label(s), (System.nanoTime() - t) / 1e9);
                if (rerank) {
                    long r = System.nanoTime();
                    var reranked = runner.rerank(queries);
                    String label = label(s) + ", rerank top " + rerankTopN;
                    table.put(label, Metrics.Summary.of(reranked, qrels));
                    seconds.put(label, (System.nanoTime() - r) / 1e9);
                }
            }
            if (modes != null && "none".equals(q)) {
                long t = System.nanoTime();
                table.put(
                        "dense, brute force",
                        Metrics.Summary.of(runner.bruteForce(queries), qrels));
                seconds.put("dense, brute force", (System.nanoTime() - t) / 1e9);
            }
        }
    }

    private List<String> quantizations() {
        List<String> list = new ArrayList<>();
        for (String q : quantization.split(",")) {
            String name = q.trim().toLowerCase(Locale.ROOT);
            if (!List.of("none", "int8", "binary").contains(name) || list.contains(name)) {
                throw new IllegalArgumentException(
                        "--quantization takes none, int8 or binary, or a list of them without"
                                + " repeats; got '"
                                + quantization
                                + "'");
            }
            list.add(name);
        }
        return list;
    }

    /**
     * One quantization: NDCG@10, MRR@10 and Recall@100 per mode; several: NDCG@10 per mode, one bar
     * per quantization.
     */
    private void plot(
            Map<String, Metrics.Summary> table,
            Map<String, Map<String, Metrics.Summary>> byQuantization) {
        int judged = table.values().iterator().next().queries();
        if (byQuantization.size() > 1) {
            Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
            byQuantization.forEach(
                    (q, rows) ->
                            rows.forEach(
                                    (mode, s) ->
                                            bars.computeIfAbsent(mode, m -> new LinkedHashMap<>())
                                                    .put(q, s.ndcg10())));
            Charts.bars(
                    plot,
                    "NDCG@10 on "
                            + dataset.getFileName()
                            + " per mode and quantization ("
                            + judged
                            + " judged queries)",
                    "NDCG@10",
                    bars);
            return;
        }
        plot(table);
    }

    private void plot(Map<String, Metrics.Summary> table) {
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        table.forEach(
                (mode, s) -> {
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("NDCG@10", s.ndcg10());
                    metrics.put("MRR@10", s.mrr10());
                    metrics.put("Recall@100", s.recall100());
                    bars.put(mode, metrics);
                });
        Charts.bars(
                plot,
                "Search quality on "
                        + dataset.getFileName()
                        + " (quantization "
                        + quantization
                        + ", "
                        + table.values().iterator().next().queries()
                        + " judged queries)",
                "score",
                bars);
    }

    private static double averageLength(
            Configuration conf, List<TextRecord> corpus, List<String> chunks) {
        List<String> texts =
                ModelOptions.sparseScope(conf) == SparseScope.DOCUMENT
                        ? corpus.stream().map(TextRecord::fullText).toList()
                        : chunks;
        try (Bm25Encoder bm25 = new Bm25Encoder()) {
            double sum = 0;
            for (String t : texts) {
                sum += bm25.analyze(t).size();
            }
            return Math.max(1, Math.round(sum / Math.max(1, texts.size()) * 10) / 10.0);
        }
    }

    private Path file(String name) {
        Path f = dataset.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(
                    "--dataset " + dataset + " has no " + name + " (BEIR layout expected)");
        }
        return f;
    }

    private Configuration conf(String quantization) {
        Configuration c = options.load(ConfigMixin.INGEST_FILE);
        VectorQuantization.Mode q =
                VectorQuantization.Mode.valueOf(quantization.toUpperCase(Locale.ROOT));
        c.set(IngestOptions.CLIENT_QUANTIZATION, q);
        if (!options.sets(QdrantOptions.COLLECTION)) {
            String name =
                    String.join(
                                    "-",
                                    "eval",
                                    dataset.toAbsolutePath().normalize().getFileName().toString(),
                                    c.get(ModelOptions.DENSE),
                                    c.get(ModelOptions.SPARSE),
                                    ModelOptions.sparseScope(c).name(),
                                    quantization)
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^a-z0-9._-]", "_");
            c.set(QdrantOptions.COLLECTION, name);
        }
        IngestOptions.sanityCheck(c);
        return c;
    }

    private List<Ranking> rankings() {
        SearchRequest.Fusion f = SearchRequest.Fusion.valueOf(fusion.toUpperCase(Locale.ROOT));
        if (modes != null) {
            if (!modes.equals("all")) {
                throw new IllegalArgumentException("--modes takes 'all', got '" + modes + "'");
            }
            List<Ranking> all = new ArrayList<>();
            all.add(new Ranking(Mode.DENSE, false, f, rrfK));
            all.add(new Ranking(Mode.DENSE, true, f, rrfK));
            all.add(new Ranking(Mode.SPARSE, false, f, rrfK));
            all.add(new Ranking(Mode.HYBRID, false, SearchRequest.Fusion.RRF, rrfK));
            all.add(new Ranking(Mode.HYBRID, false, SearchRequest.Fusion.RRF, 2));
            all.add(new Ranking(Mode.HYBRID, false, SearchRequest.Fusion.DBSF, rrfK));
            double[] w = weights();
            // Client-side fusion: with equal weights it must reproduce the server's RRF.
            all.add(Ranking.clientRrf(rrfK, w[0], w[1]));
            return all;
        }
        double[] w = weights();
        Mode m = Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        return List.of(
                m == Mode.HYBRID && (w[0] != 1.0 || w[1] != 1.0)
                        ? Ranking.clientRrf(rrfK, w[0], w[1])
                        : new Ranking(m, exact, f, rrfK));
    }

    private double[] weights() {
        String[] parts = weights.split(",");
        try {
            if (parts.length == 2) {
                return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "--weights takes two numbers DENSE,SPARSE, e.g. 1,0.5; got '" + weights + "'");
    }

    private static String label(Ranking s) {
        String base = s.mode().name().toLowerCase(Locale.ROOT);
        if (s.mode() == Mode.HYBRID) {
            base += s.fusion() == SearchRequest.Fusion.RRF ? ", RRF k=" + s.rrfK() : ", DBSF";
            if (s.weighted()) {
                base +=
                        String.format(
                                Locale.ROOT,
                                " client w=%.2f/%.2f",
                                s.denseWeight(),
                                s.sparseWeight());
            }
        }
        return s.exact() ? base + ", exact" : base;
    }

    private static void printTable(
            PrintWriter out, Map<String, Metrics.Summary> table, Map<String, Double> seconds) {
        out.printf(
                "%-36s %8s %8s %8s %8s %8s %8s%n",
                "mode", "NDCG@10", "MRR@10", "MAP@100", "R@100", "queries", "seconds");
        table.forEach(
                (mode, s) ->
                        out.printf(
                                "%-36s %8.4f %8.4f %8.4f %8.4f %8d %8.1f%n",
                                mode,
                                s.ndcg10(),
                                s.mrr10(),
                                s.map100(),
                                s.recall100(),
                                s.queries(),
                                seconds.get(mode)));
    }

    private static void printJson(
            PrintWriter out, Map<String, Metrics.Summary> table, Map<String, Double> seconds) {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode rows = mapper.createArrayNode();
        table.forEach(
                (mode, s) -> {
                    ObjectNode row = rows.addObject();
                    row.put("mode", mode);
                    row.put("ndcg@10", s.ndcg10());
                    row.put("mrr@10", s.mrr10());
                    row.put("map@100", s.map100());
                    row.put("recall@100", s.recall100());
                    row.put("queries", s.queries());
                    row.put("seconds", seconds.get(mode));
                });
        out.println(rows.toPrettyString());
    }
}
