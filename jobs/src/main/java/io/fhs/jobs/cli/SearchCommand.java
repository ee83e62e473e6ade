package io.fhs.jobs.cli;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.ingest.QuantizationSetup;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QueryWork;
import io.fhs.jobs.query.SearchQueriesFunction;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.rerank.CrossEncoder;
import io.fhs.operators.sparse.Bm25Encoder;
import io.fhs.operators.sparse.Bm25Options;
import io.fhs.operators.sparse.SparseEncoder;
import io.qdrant.client.QdrantClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fhs search}: the query job's search from the terminal, one query or a prompt. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Searches the collection bin/fhs ingest filled and prints a ranked list: rank, scores,",
            "document id, title and a snippet with the query's terms highlighted. Without TEXT,",
            "reads queries from a prompt (empty line or :q quits)."
        })
final class SearchCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The query.")
    List<String> words = new ArrayList<>();

    @Option(names = "--mode", description = "dense, sparse or hybrid (default: conf).")
    String mode;

    @Option(names = "--rerank", description = "Rerank with model.rerank's cross-encoder.")
    boolean rerank;

    @Option(names = "--top-k", description = "Hits (default: conf).")
    Integer topK;

    @Option(names = "--config", paramLabel = "FILE", description = "Options file.")
    Path config;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Overrides an option.")
    Map<String, String> overrides = new LinkedHashMap<>();

    private final boolean terminal = System.console() != null;

    @Override
    public Integer call() throws Exception {
        Configuration conf = QueryCommand.load(config, overrides);
        String rerankModel = conf.getOptional(QueryOptions.RERANK_MODEL).orElse(null);
        if (rerank && rerankModel == null) {
            throw new IllegalArgumentException(
                    "--rerank needs a cross-encoder: set -D model.rerank=DIR (see README)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (QdrantClient client = IngestJob.qdrant(conf).open();
                DenseEncoder dense = DenseEncoder.open(conf.get(IngestOptions.DENSE_MODEL));
                SparseEncoder sparse = IngestJob.openSparse(conf, dense.options());
                CrossEncoder reranker =
                        rerank ? new CrossEncoder(ModelLocator.resolve(rerankModel)) : null;
                QdrantSearcher searcher =
                        new QdrantSearcher(
                                client,
                                conf.get(IngestOptions.COLLECTION),
                                CollectionSpec.DEFAULT_DENSE_NAME,
                                CollectionSpec.DEFAULT_SPARSE_NAME)) {
            VectorQuantization quantization =
                    QuantizationSetup.stored(client, conf.get(IngestOptions.COLLECTION))
                            .orElse(VectorQuantization.none());
            Session s = new Session(conf, dense, sparse, reranker, searcher, quantization, out);
            if (!words.isEmpty()) {
                s.search(String.join(" ", words));
                return 0;
            }
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("search> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.isBlank() || line.strip().equals(":q")) {
                    return 0;
                }
                s.search(line.strip());
            }
        }
    }

    private final class Session {
        final SearchQueriesFunction.Plan plan;
        final Configuration conf;
        final DenseEncoder dense;
        final SparseEncoder sparse;
        final CrossEncoder reranker;
        final QdrantSearcher searcher;
        final VectorQuantization quantization;
        final PrintWriter out;

        Session(
                Configuration conf,
                DenseEncoder dense,
                SparseEncoder sparse,
                CrossEncoder reranker,
                QdrantSearcher searcher,
                VectorQuantization quantization,
                PrintWriter out) {
            this.conf = conf;
            this.dense = dense;
            this.sparse = sparse;
            this.reranker = reranker;
            this.searcher = searcher;
            this.quantization = quantization;
            this.out = out;
            this.plan = SearchQueriesFunction.Plan.from(conf, quantization.mode());
        }

        void search(String text) throws Exception {
            SearchRequest.Mode m =
                    mode != null
                            ? SearchRequest.Mode.valueOf(mode.toUpperCase(Locale.ROOT))
                            : conf.get(QueryOptions.MODE);
            if (m != SearchRequest.Mode.DENSE && sparse == null) {
                throw new IllegalArgumentException("mode " + m + " needs model.sparse");
            }
            int k = topK != null ? topK : conf.get(QueryOptions.TOP_K);
            long start = System.nanoTime();
            Query q = new Query("cli", text, k, Map.of(), m, rerank, System.currentTimeMillis());
            QueryWork w =
                    QueryWork.of(q)
                            .encoded(
                                    quantization.query(dense.encode(text, Role.QUERY)),
                                    m == SearchRequest.Mode.DENSE
                                            ? null
                                            : sparse.encode(text, Role.QUERY),
                                    0);
            int wanted = rerank ? Math.max(k, plan.rerankTopN()) : k;
            List<QueryResult.Hit> hits = plan.hits(plan.search(searcher, w, wanted).get(), wanted);
            if (reranker != null) {
                hits = rerank(text, hits);
            }
            hits = hits.subList(0, Math.min(k, hits.size()));
            out.printf(
                    "%n%d hits for \"%s\" (%s%s, %.0f ms)%n",
                    hits.size(),
                    text,
                    m.name().toLowerCase(Locale.ROOT),
                    reranker != null ? ", reranked" : "",
                    (System.nanoTime() - start) / 1e6);
            List<String> terms = queryTerms(text);
            int rank = 1;
            for (QueryResult.Hit h : hits) {
                out.printf(
                        "%2d. %.4f%s  %s#%d  %s%n",
                        rank++,
                        h.score(),
                        h.rerankScore() == null
                                ? ""
                                : String.format(" (rerank %.4f)", h.rerankScore()),
                        h.docId(),
                        h.chunk(),
                        h.title() == null ? "" : h.title());
                out.printf("    %s%n", Snippets.highlight(h.text(), terms, terminal));
            }
            out.flush();
        }

        List<QueryResult.Hit> rerank(String text, List<QueryResult.Hit> hits) {
            List<CrossEncoder.TextPair> pairs = new ArrayList<>();
            List<QueryResult.Hit> top = hits.subList(0, Math.min(plan.rerankTopN(), hits.size()));
            for (QueryResult.Hit h : top) {
                pairs.add(new CrossEncoder.TextPair(text, h.text() == null ? "" : h.text()));
            }
            float[] scores = reranker.predict(pairs);
            List<QueryResult.Hit> out = new ArrayList<>();
            for (int i = 0; i < top.size(); i++) {
                QueryResult.Hit h = top.get(i);
                out.add(
                        new QueryResult.Hit(
                                h.docId(),
                                h.chunk(),
                                h.score(),
                                scores[i],
                                h.title(),
                                h.text(),
                                h.metadata()));
            }
            out.sort(Comparator.comparing(QueryResult.Hit::rerankScore).reversed());
            return out;
        }
    }

    // Stemmed query terms, so that "systems" in the query highlights "system" in a snippet.
    private static List<String> queryTerms(String text) {
        try (Bm25Encoder bm25 = new Bm25Encoder(Bm25Options.defaults())) {
            return bm25.analyze(text);
        }
    }
}
