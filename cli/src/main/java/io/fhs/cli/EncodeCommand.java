package io.fhs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.jobs.data.JsonLines;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import io.fhs.operators.sparse.Bm25Options;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseEncoders;
import io.fhs.operators.sparse.SparseVector;
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
            "Encode texts into dense or sparse vectors, one JSON line per text.",
            "Dense lines are {\"text\", \"vector\"}, sparse ones {\"text\", \"indices\", \"values\"}.",
            "Texts come from the arguments, or as JSON lines {\"text\": ...} on standard input."
        })
final class EncodeCommand implements Callable<Integer> {
    // Stdin is encoded in chunks so output streams while input is still arriving.
    private static final int STDIN_CHUNK = 256;

    enum Kind {
        dense,
        sparse
    }

    @Spec CommandSpec spec;

    @Mixin EncoderOptionsMixin encoder;

    @Option(
            names = "--kind",
            description = "dense or sparse (default: ${DEFAULT-VALUE}).",
            defaultValue = "dense")
    Kind kind;

    @Option(
            names = "--query",
            description =
                    "Encode as queries (query prompt; 1 per term for bm25; static weights for inference-free SPLADE).")
    boolean query;

    @Option(
            names = "--max-active-dims",
            description =
                    "Sparse: keep only the N largest weights (default: the model's, else all).",
            defaultValue = "0")
    int maxActiveDims;

    @Option(
            names = "--bm25-avg-len",
            description = "BM25 average document length in terms (default: ${DEFAULT-VALUE}).",
            defaultValue = "256")
    double avgLen;

    @Option(
            names = "--bm25-k1",
            description = "BM25 k1 (default: ${DEFAULT-VALUE}).",
            defaultValue = "1.2")
    double k1;

    @Option(
            names = "--bm25-b",
            description = "BM25 b (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.75")
    double b;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to encode.")
    List<String> texts = new ArrayList<>();

    private final ObjectMapper json = new ObjectMapper();

    /** Encodes a chunk of texts into JSON lines. */
    private interface ChunkEncoder extends AutoCloseable {
        List<ObjectNode> encode(List<String> texts);

        @Override
        void close();
    }

    @Override
    public Integer call() throws IOException {
        Role role = query ? Role.QUERY : Role.DOCUMENT;
        PrintWriter out = spec.commandLine().getOut();
        int errors = 0;
        try (ChunkEncoder chunks = kind == Kind.dense ? dense(role) : sparse(role)) {
            if (!texts.isEmpty()) {
                print(out, chunks.encode(texts));
            } else {
                errors = encodeStdin(chunks, out);
            }
        }
        out.flush();
        return errors == 0 ? 0 : 1;
    }

    private ChunkEncoder dense(Role role) {
        DenseEncoder model = encoder.open();
        return new ChunkEncoder() {
            @Override
            public List<ObjectNode> encode(List<String> texts) {
                float[][] vectors = model.encode(texts, role);
                List<ObjectNode> lines = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    ObjectNode node = json.createObjectNode().put("text", texts.get(i));
                    var array = node.putArray("vector");
                    for (float v : vectors[i]) {
                        array.add(v);
                    }
                    lines.add(node);
                }
                return lines;
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    private ChunkEncoder sparse(Role role) {
        SparseEncoder model =
                SparseEncoders.open(
                        encoder.modelOr(SparseEncoders.BM25),
                        encoder.options(),
                        new Bm25Options(k1, b, avgLen, true, true),
                        maxActiveDims);
        return new ChunkEncoder() {
            @Override
            public List<ObjectNode> encode(List<String> texts) {
                List<SparseVector> vectors = model.encode(texts, role);
                List<ObjectNode> lines = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    ObjectNode node = json.createObjectNode().put("text", texts.get(i));
                    var indices = node.putArray("indices");
                    for (int index : vectors.get(i).indices()) {
                        indices.add(index);
                    }
                    var values = node.putArray("values");
                    for (float v : vectors.get(i).values()) {
                        values.add(v);
                    }
                    lines.add(node);
                }
                return lines;
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    private int encodeStdin(ChunkEncoder chunks, PrintWriter out) throws IOException {
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
                print(out, chunks.encode(chunk));
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            print(out, chunks.encode(chunk));
        }
        return errors;
    }

    private void print(PrintWriter out, List<ObjectNode> lines) throws IOException {
        for (ObjectNode line : lines) {
            out.println(json.writeValueAsString(line));
        }
        out.flush();
    }
}
