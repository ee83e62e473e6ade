package io.fhs.cli;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fhs search}: the query job's search from the terminal, one query or a prompt. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Search the collection that bin/fhs ingest filled and print the ranked hits.",
            "Each hit shows rank, scores, document id, title and a snippet with the query's terms",
            "highlighted. Without TEXT, reads queries from a prompt until end of input or :q."
        })
final class SearchCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The query.")
    List<String> words = new ArrayList<>();

    @Option(names = "--mode", description = "dense, sparse or hybrid (default: conf).")
    String mode;

    @Option(
            names = "--rerank",
            negatable = true,
            description =
                    "Rerank with model.rerank's cross-encoder (--no-rerank: don't); default:"
                            + " query.rerank.")
    Boolean rerankFlag;

    // --rerank or --no-rerank when given, else query.rerank, as the query job decides.
    private boolean rerank;

    @Option(names = "--top-k", description = "Hits (default: conf).")
    Integer topK;

    @Mixin ConfigMixin options;

    private final boolean terminal = System.console() != null;

    @Override
    public Integer call() throws Exception {
        Configuration conf = options.query();
        rerank = rerankFlag != null ? rerankFlag : conf.get(QueryOptions.RERANK);
        if (rerank && conf.getOptional(ModelOptions.RERANK).isEmpty()) {
            throw new IllegalArgumentException(
                    "--rerank needs a cross-encoder: set -D model.rerank=DIR (see README)");
        }
        SearchRequest.Mode m = conf.get(QueryOptions.MODE);
        if (mode != null) {
            try {
                m = SearchRequest.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--mode: expected dense, sparse or hybrid, got \"" + mode + "\"");
            }
        }
        int k = topK != null ? topK : conf.get(QueryOptions.TOP_K);
        if (k < 1) {
            throw new IllegalArgumentException("--top-k: expected a positive integer, got " + k);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (QueryCore core = QueryCore.open(conf)) {
            if (!words.isEmpty()) {
                return search(core, String.join(" ", words), m, k, out) ? 0 : 1;
            }
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("search> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals(":q")) {
                    out.println();
                    out.flush();
                    return 0;
                }
                if (!line.isBlank()) {
                    search(core, line.strip(), m, k, out);
                }
            }
        }
    }

    /** Runs one search and prints it; false when the query got an error result. */
    private boolean search(
            QueryCore core, String text, SearchRequest.Mode m, int k, PrintWriter out) {
        QueryResult r = core.run(core.query("cli", text, m, k, rerank));
        if (r.error() != null) {
            out.printf("%nerror: %s%n", r.error());
            out.flush();
            return false;
        }
        out.printf(
                "%n%d hits for \"%s\" (%s%s; encode %d ms, search %d ms, rerank %d ms)%n",
                r.hits().size(),
                text,
                m.name().toLowerCase(Locale.ROOT),
                rerank ? ", reranked" : "",
                r.timingsMs().get("encode"),
                r.timingsMs().get("search"),
                r.timingsMs().get("rerank"));
        List<String> terms = Snippets.terms(text);
        int rank = 1;
        for (QueryResult.Hit h : r.hits()) {
            out.printf(
                    "%2d. %.4f%s  %s#%d  %s%n",
                    rank++,
                    h.score(),
                    scores(h),
                    h.docId(),
                    h.chunk(),
                    h.title() == null ? "" : h.title());
            out.printf("    %s%n", Snippets.highlight(h.text(), terms, terminal));
        }
        out.flush();
        return true;
    }

    private static String scores(QueryResult.Hit h) {
        StringBuilder s = new StringBuilder();
        if (h.rerankScore() != null) {
            s.append(String.format(Locale.ROOT, " rerank %.4f", h.rerankScore()));
        }
        if (h.denseScore() != null && h.sparseScore() != null) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            " (dense %.4f, sparse %.4f)",
                            h.denseScore(),
                            h.sparseScore()));
        }
        return s.toString();
    }
}
