package io.fhs.cli;

import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import io.fhs.operators.similarity.ExactSearch;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fhs demo}: encodes a small corpus and answers queries by exact semantic search, the
 * quickest way to see the bundled model at work. (The streaming ingest and query jobs build on the
 * same encoder.)
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Encode a small corpus and run semantic search over it in memory.")
final class DemoCommand implements Callable<Integer> {
    static final List<String> DEFAULT_QUERIES =
            List.of(
                    "How do artificial neural networks work?",
                    "What technology is used for modern space exploration?",
                    "How can we address climate change challenges?",
                    "How does a stream processor survive failures?");

    @Spec CommandSpec spec;

    @Mixin EncoderOptionsMixin encoder;

    @Option(
            names = "--corpus",
            paramLabel = "FILE",
            description =
                    "JSON lines {\"id\"|\"_id\", \"title\"?, \"text\"} (default: bundled demo corpus).")
    Path corpus;

    @Option(
            names = {"-q", "--query"},
            paramLabel = "TEXT",
            description = "Query to run (repeatable; default: four sample queries).")
    List<String> queries = new ArrayList<>();

    @Option(
            names = "--top-k",
            description = "Hits per query (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int topK;

    @Override
    public Integer call() throws IOException {
        List<TextRecord> docs = corpus == null ? bundledCorpus() : JsonLines.read(corpus);
        List<String> asked = queries.isEmpty() ? DEFAULT_QUERIES : queries;
        PrintWriter out = spec.commandLine().getOut();
        try (DenseEncoder model = encoder.open()) {
            long start = System.nanoTime();
            List<String> texts = docs.stream().map(TextRecord::fullText).toList();
            List<float[]> vectors = List.of(model.encode(texts, Role.DOCUMENT));
            long millis = (System.nanoTime() - start) / 1_000_000;
            out.printf(
                    "Encoded %d documents with %s (%d dims, %s similarity) in %d ms%n%n",
                    docs.size(),
                    model.directory().name(),
                    model.dimension(),
                    model.similarity().stName(),
                    millis);
            float[][] queryVectors = model.encode(asked, Role.QUERY);
            for (int q = 0; q < asked.size(); q++) {
                out.println("Query: " + asked.get(q));
                List<ExactSearch.Hit> hits =
                        ExactSearch.topK(queryVectors[q], vectors, topK, model.similarity());
                int rank = 1;
                for (ExactSearch.Hit hit : hits) {
                    TextRecord doc = docs.get(hit.index());
                    out.printf(
                            "  %d. %.4f  %-10s %s%n",
                            rank++, hit.score(), doc.id(), snippet(doc.fullText(), 90));
                }
                out.println();
            }
        }
        out.flush();
        return 0;
    }

    static List<TextRecord> bundledCorpus() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/corpus.jsonl")) {
            if (in == null) {
                throw new IllegalStateException("The bundled demo corpus is missing from the jar");
            }
            return JsonLines.read(in, "demo/corpus.jsonl");
        }
    }

    private static String snippet(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
