package io.fhs.operators.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A model laid out as a sentence-transformers / Hugging Face ONNX export: {@code model.onnx} (or
 * {@code onnx/model.onnx}), {@code tokenizer.json}, {@code config.json} and, for
 * sentence-transformers models, {@code modules.json} and the module folders it names.
 *
 * <p>This class only locates and parses files; what they mean for a given kind of model lives in
 * {@link SentenceTransformerConfig} and friends. Every error names the file and what is wrong.
 */
@PublicEvolving
public final class ModelDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Path onnxFile;
    private final Path tokenizerFile;

    private ModelDirectory(Path root, Path onnxFile, Path tokenizerFile) {
        this.root = root;
        this.onnxFile = onnxFile;
        this.tokenizerFile = tokenizerFile;
    }

    /** Opens {@code dir}, checking that the model graph and the tokenizer are there. */
    public static ModelDirectory open(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new ModelException("Model directory " + root + " does not exist");
        }
        Path onnx = root.resolve("model.onnx");
        if (!Files.isRegularFile(onnx)) {
            onnx = root.resolve("onnx").resolve("model.onnx");
        }
        if (!Files.isRegularFile(onnx)) {
            RouterConfig.rejectIfRouter(root);
            throw new ModelException(
                    "Model directory "
                            + root
                            + " has no model.onnx (looked for model.onnx and onnx/model.onnx)");
        }
        Path tokenizer = root.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new ModelException(
                    "Model directory "
                            + root
                            + " has no tokenizer.json (the Hugging Face fast-tokenizer file is"
                            + " required)");
        }
        return new ModelDirectory(root, onnx, tokenizer);
    }

    public Path root() {
        return root;
    }

    public Path onnxFile() {
        return onnxFile;
    }

    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /** A short name for logs and errors: the directory's name. */
    public String name() {
        return root.getFileName().toString();
    }

    /** Parses a required JSON object file, relative to the model root. */
    public JsonNode requireJson(String relative) {
        return json(relative)
                .orElseThrow(
                        () ->
                                new ModelException(
                                        "Model directory " + root + " has no " + relative));
    }

    /** Parses an optional JSON file, relative to the model root. */
    public Optional<JsonNode> json(String relative) {
        return readJson(root.resolve(relative));
    }

    /** Parses an optional JSON file; empty when it does not exist. */
    static Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (JsonProcessingException e) {
            throw new ModelException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The entries of {@code modules.json}, in order. */
    public List<StModule> modules() {
        return parseModules(root.resolve("modules.json"), requireJson("modules.json"));
    }

    static List<StModule> parseModules(Path file, JsonNode node) {
        if (!node.isArray()) {
            throw new ModelException(file + " must be a JSON array");
        }
        List<StModule> modules = new ArrayList<>();
        for (JsonNode entry : node) {
            JsonNode type = entry.get("type");
            if (type == null || !type.isTextual()) {
                throw new ModelException(
                        file + ": every module needs a string \"type\", got " + entry);
            }
            JsonNode path = entry.get("path");
            modules.add(new StModule(type.asText(), path == null ? "" : path.asText()));
        }
        return modules;
    }

    /** One sentence-transformers module: its Python class name and folder. */
    public record StModule(String type, String path) {
        /** The class name without its package, e.g. {@code Pooling}. */
        public String simpleType() {
            int dot = type.lastIndexOf('.');
            return dot < 0 ? type : type.substring(dot + 1);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
