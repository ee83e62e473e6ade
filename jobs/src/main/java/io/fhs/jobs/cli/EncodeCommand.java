package io.fhs.jobs.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.jobs.data.JsonLines;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fhs encode}: texts in, one JSON line with the vector per text out. */
@Command(
        name = "encode",
        mixinStandardHelpOptions = true,
        description = {
            "Encode texts with a sentence-transformers model and print one JSON line per text:",
            "{\"text\": ..., \"vector\": [...]}.",
            "Texts come from the arguments, or as JSON lines {\"text\": ...} on standard input."
        })
final class EncodeCommand implements Callable<Integer> {
    // Stdin is encoded in chunks so output streams while input is still arriving.
    private static final int STDIN_CHUNK = 256;

    @Spec CommandSpec spec;

    @Mixin EncoderOptionsMixin encoder;

    @Option(
            names = "--query",
            description = "Encode as queries (applies the model's query prompt).")
    boolean query;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to encode.")
    List<String> texts = new ArrayList<>();

    private final ObjectMapper json =
            new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    @Override
    public Integer call() throws IOException {
        Role role = query ? Role.QUERY : Role.DOCUMENT;
        PrintWriter out = spec.commandLine().getOut();
        int errors = 0;
        try (DenseEncoder model = encoder.open()) {
            if (!texts.isEmpty()) {
                print(out, texts, model.encode(texts, role));
            } else {
                errors = encodeStdin(model, role, out);
            }
        }
        out.flush();
        return errors == 0 ? 0 : 1;
    }

    private int encodeStdin(DenseEncoder model, Role role, PrintWriter out) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> chunk = new ArrayList<>();
        int errors = 0;
        int number = 0;
        String line;
        while ((line = in.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                chunk.add(JsonLines.parse(line, "stdin:" + number).text());
            } catch (IllegalArgumentException e) {
                // A bad line is reported and skipped; the rest still gets encoded.
                spec.commandLine().getErr().println("fhs encode: " + e.getMessage());
                errors++;
            }
            if (chunk.size() == STDIN_CHUNK) {
                print(out, chunk, model.encode(chunk, role));
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            print(out, chunk, model.encode(chunk, role));
        }
        return errors;
    }

    private void print(PrintWriter out, List<String> texts, float[][] vectors) throws IOException {
        for (int i = 0; i < texts.size(); i++) {
            var node = json.createObjectNode();
            node.put("text", texts.get(i));
            var array = node.putArray("vector");
            for (float v : vectors[i]) {
                array.add(v);
            }
            out.println(json.writeValueAsString(node));
        }
        out.flush();
    }
}
