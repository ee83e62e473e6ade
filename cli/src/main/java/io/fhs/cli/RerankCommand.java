package io.fhs.cli;

import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.rerank.CrossEncoder;
import io.fhs.operators.rerank.CrossEncoder.RankedDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fhs rerank}: scores documents against a query with a cross-encoder. */
@Command(
        name = "rerank",
        mixinStandardHelpOptions = true,
        description = {
            "Rank documents for a query with a cross-encoder, best first.",
            "Prints rank, score and document. Documents come from the arguments, or as JSON",
            "lines {\"text\": ...} on standard input."
        })
final class RerankCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin EncoderOptionsMixin encoder;

    @Option(
            names = {"-q", "--query"},
            required = true,
            description = "The query.")
    String query;

    @Option(
            names = "--top-k",
            description = "Documents to print (default: all).",
            defaultValue = "2147483647")
    int topK;

    @Parameters(paramLabel = "DOC", arity = "0..*", description = "Documents to rank.")
    List<String> docs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (encoder.model == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "rerank needs --model DIR: a cross-encoder ONNX export (no reranker is bundled)");
        }
        List<String> documents = docs;
        if (documents.isEmpty()) {
            documents = JsonLines.read(System.in, "stdin").stream().map(TextRecord::text).toList();
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CrossEncoder model =
                new CrossEncoder(ModelLocator.resolve(encoder.model), encoder.options())) {
            int rank = 1;
            for (RankedDocument doc : model.rank(query, documents, topK, true)) {
                out.printf(Locale.ROOT, "%d\t%.6f\t%s%n", rank++, doc.score(), doc.text());
            }
        }
        out.flush();
        return 0;
    }
}
