package io.fhs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.cli.bench.IngestBenchmark;
import io.fhs.cli.eval.EvalRunner;
import io.fhs.cli.eval.IntraListSimilarity;
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

    @Option(
            names = "--mmr",
            paramLabel = "D[,D...]",
            description =
                    "Add a dense row ranked by Qdrant's MMR per diversity D (0..1), chunks"
                            + " collapsed to documents on the client.")
    String mmr;

    @Option(
            names = "--mmr-candidates",
            defaultValue = "300",
            description = "Nearest chunks MMR chooses from (default: ${DEFAULT-VALUE}).")
    int mmrCandidates;

    @Option(
            names = "--truncate-dim",
            paramLabel = "N[,N...]",
            description =
                    "Also evaluate each model.truncate-dim N, each in its own collection, rows"
                            + " labelled [truncate N].")
    String truncateDims;

    @Option(
            names = "--matryoshka-dim",
            paramLabel = "N",
            description =
                    "Also evaluate two-stage search: a collection with an N-dimension prefix"
                            + " vector (qdrant.matryoshka-dim), its dense and hybrid rows searched"
                            + " by the prefix first, rescored by the full vector.")
    Integer matryoshkaDim;

    @Option(
            names = "--matryoshka-candidates",
            defaultValue = "300",
            description =
                    "Candidates the prefix vector prefetches in two-stage rows (default:"
                            + " ${DEFAULT-VALUE}).")
    int matryoshkaCandidates;

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
        Map<String, Double> ils = new LinkedHashMap<>();
        // Per quantization, its rows under their unsuffixed labels (for the chart).
        Map<String, Map<String, Metrics.Summary>> byQuantization = new LinkedHashMap<>();
        for (Variant v : variants(quantizations)) {
            Rows rows =
                    new Rows(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
            evaluate(v, corpus, queries, qrels, rows);
            rows.summaries().forEach((label, summary) -> table.put(label + v.suffix(), summary));
            rows.seconds().forEach((label, t) -> seconds.put(label + v.suffix(), t));
            rows.ils().forEach((label, x) -> ils.put(label + v.suffix(), x));
            if (v.plain()) {
                byQuantization.put(v.quantization(), rows.summaries());
            }
        }
        if (json) {
            printJson(out, table, seconds, ils);
        } else {
            printTable(out, table, seconds, ils);
        }
        if (plot != null) {
            plot(table, byQuantization);
            spec.commandLine().getErr().println("fhs eval: chart written to " + plot);
        }
        out.flush();
        return 0;
    }

    /** One evaluation's rows: metrics, seconds and intra-list similarity, by label. */
    private record Rows(
            Map<String, Metrics.Summary> summaries,
            Map<String, Double> seconds,
            Map<String, Double> ils) {}

    /**
     * One collection of the run and what its rows vary.
     *
     * @param suffix appended to its rows' labels
     * @param truncateDim model.truncate-dim of its collection (0: none)
     * @param prefixDim qdrant.matryoshka-dim of its collection (0: none); its rows search in two
     *     stages
     */
    private record Variant(String quantization, String suffix, int truncateDim, int prefixDim) {
        boolean plain() {
            return truncateDim == 0 && prefixDim == 0;
        }
    }

    private List<Variant> variants(List<String> quantizations) {
        List<Variant> out = new ArrayList<>();
        for (String q : quantizations) {
            out.add(new Variant(q, quantizations.size() > 1 ? " [" + q + "]" : "", 0, 0));
        }
        for (int n : dims("--truncate-dim", truncateDims)) {
            out.add(new Variant("none", " [truncate " + n + "]", n, 0));
        }
        if (matryoshkaDim != null) {
            if (matryoshkaDim < 1) {
                throw new IllegalArgumentException(
                        "--matryoshka-dim takes a positive dimension, got " + matryoshkaDim);
            }
            out.add(new Variant("none", "", 0, matryoshkaDim));
        }
        return out;
    }

    /** Ingests the corpus as {@code v} says and runs every setting's queries. */
    private void evaluate(
            Variant v, List<TextRecord> corpus, List<TextRecord> queries, Qrels qrels, Rows rows)
            throws Exception {
        Configuration conf = conf(v);
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
            if (intraList == null) {
                // The first collection's vectors measure every row, so that rows compare.
                intraList = runner.intraListSimilarity();
            }
            for (Ranking s : rankings(v)) {
                search(runner, s, label(s, v), queries, qrels, rows);
            }
            if (modes != null && v.plain() && "none".equals(v.quantization())) {
                long t = System.nanoTime();
                rows.summaries()
                        .put(
                                "dense, brute force",
                                Metrics.Summary.of(runner.bruteForce(queries), qrels));
                rows.seconds().put("dense, brute force", (System.nanoTime() - t) / 1e9);
                rows.ils().put("dense, brute force", Double.NaN);
            }
        }
    }

    // Built from the run's first collection.
    private IntraListSimilarity intraList;

    private void search(
            EvalRunner runner,
            Ranking s,
            String label,
            List<TextRecord> queries,
            Qrels qrels,
            Rows rows) {
        long t = System.nanoTime();
        ProgressLine line = progress.line(label, "queries", "queries/s");
        var run = runner.search(queries, s, n -> line.update(n, queries.size()));
        line.finish();
        rows.summaries().put(label, Metrics.Summary.of(run, qrels));
        rows.seconds().put(label, (System.nanoTime() - t) / 1e9);
        Map<String, Map<String, Integer>> chunks = runner.bestChunks();
        rows.ils().put(label, intraList.mean(run, chunks, 10));
        if (rerank) {
            long r = System.nanoTime();
            var reranked = runner.rerank(queries);
            String rerankLabel = label + ", rerank top " + rerankTopN;
            rows.summaries().put(rerankLabel, Metrics.Summary.of(reranked, qrels));
            rows.seconds().put(rerankLabel, (System.nanoTime() - r) / 1e9);
            rows.ils().put(rerankLabel, intraList.mean(reranked, chunks, 10));
        }
    }

    private static List<Integer> dims(String option, String list) {
        List<Integer> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String part : list.split(",")) {
            try {
                int n = Integer.parseInt(part.trim());
                if (n >= 1 && !out.contains(n)) {
                    out.add(n);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    option
                            + " takes positive dimensions without repeats, e.g. 128,256; got '"
                            + list
                            + "'");
        }
        return out;
    }

    private List<Double> diversities() {
        List<Double> out = new ArrayList<>();
        if (mmr == null) {
            return out;
        }
        for (String part : mmr.split(",")) {
            try {
                double d = Double.parseDouble(part.trim());
                if (d >= 0 && d <= 1 && !out.contains(d)) {
                    out.add(d);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    "--mmr takes diversities from 0 to 1 without repeats, e.g. 0.3,0.6; got '"
                            + mmr
                            + "'");
        }
        return out;
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

    private Configuration conf(Variant v) {
        Configuration c = options.load(ConfigMixin.INGEST_FILE);
        VectorQuantization.Mode q =
                VectorQuantization.Mode.valueOf(v.quantization().toUpperCase(Locale.ROOT));
        c.set(IngestOptions.CLIENT_QUANTIZATION, q);
        String variant = "";
        if (v.truncateDim() > 0) {
            c.set(ModelOptions.TRUNCATE_DIM, v.truncateDim());
            variant = "-t" + v.truncateDim();
        }
        if (v.prefixDim() > 0) {
            c.set(QdrantOptions.MATRYOSHKA_DIM, v.prefixDim());
            variant = "-m" + v.prefixDim();
        }
        if (!options.sets(QdrantOptions.COLLECTION)) {
            String name =
                    String.join(
                                    "-",
                                    "eval",
                                    dataset.toAbsolutePath().normalize().getFileName().toString(),
                                    c.get(ModelOptions.DENSE),
                                    c.get(ModelOptions.SPARSE),
                                    ModelOptions.sparseScope(c).name(),
                                    v.quantization())
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^a-z0-9._-]", "_");
            c.set(QdrantOptions.COLLECTION, name + variant);
        } else if (!variant.isEmpty()) {
            // A variant needs its own collection, beside the one -D qdrant.collection names.
            c.set(QdrantOptions.COLLECTION, c.get(QdrantOptions.COLLECTION) + variant);
        }
        IngestOptions.sanityCheck(c);
        return c;
    }

    /** The rows of one collection: the modes asked for, MMR rows, or two-stage rows. */
    private List<Ranking> rankings(Variant v) {
        if (v.prefixDim() > 0) {
            List<Ranking> twoStage = new ArrayList<>();
            for (Ranking r : rankings()) {
                if (r.mode() != Mode.SPARSE && !r.exact()) {
                    twoStage.add(r.withMatryoshka(matryoshkaCandidates));
                }
            }
            return twoStage;
        }
        List<Ranking> out = new ArrayList<>(rankings());
        if (v.truncateDim() == 0) {
            SearchRequest.Fusion f = SearchRequest.Fusion.valueOf(fusion.toUpperCase(Locale.ROOT));
            for (double d : diversities()) {
                out.add(
                        new Ranking(Mode.DENSE, false, f, rrfK)
                                .withMmr(new SearchRequest.Mmr(d, mmrCandidates)));
            }
        }
        return out;
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

    private String label(Ranking s, Variant v) {
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
        if (s.mmr() != null) {
            base += String.format(Locale.ROOT, ", MMR %.2f", s.mmr().diversity());
        }
        if (s.matryoshkaCandidates() > 0) {
            base += ", two-stage " + v.prefixDim() + "->full (" + s.matryoshkaCandidates() + ")";
        }
        return s.exact() ? base + ", exact" : base;
    }

    private static void printTable(
            PrintWriter out,
            Map<String, Metrics.Summary> table,
            Map<String, Double> seconds,
            Map<String, Double> ils) {
        // As wide as the longest label, so the columns line up.
        int width = table.keySet().stream().mapToInt(String::length).max().orElse(4);
        String label = "%-" + Math.max(36, width) + "s";
        out.printf(
                label + " %8s %8s %8s %8s %8s %8s %8s%n",
                "mode",
                "NDCG@10",
                "MRR@10",
                "MAP@100",
                "R@100",
                "ILS@10",
                "queries",
                "seconds");
        table.forEach(
                (mode, s) ->
                        out.printf(
                                label + " %8.4f %8.4f %8.4f %8.4f %8s %8d %8.1f%n",
                                mode,
                                s.ndcg10(),
                                s.mrr10(),
                                s.map100(),
                                s.recall100(),
                                Double.isNaN(ils.getOrDefault(mode, Double.NaN))
                                        ? "-"
                                        : String.format(Locale.ROOT, "%.4f", ils.get(mode)),
                                s.queries(),
                                seconds.get(mode)));
    }

    private static void printJson(
            PrintWriter out,
            Map<String, Metrics.Summary> table,
            Map<String, Double> seconds,
            Map<String, Double> ils) {
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
                    double x = ils.getOrDefault(mode, Double.NaN);
                    if (Double.isNaN(x)) {
                        row.putNull("ils@10");
                    } else {
                        row.put("ils@10", x);
                    }
                    row.put("queries", s.queries());
                    row.put("seconds", seconds.get(mode));
                });
        out.println(rows.toPrettyString());
    }
}
