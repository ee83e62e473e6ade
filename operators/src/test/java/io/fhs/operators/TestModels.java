package io.fhs.operators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.operators.model.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * The small generated test models (src/test/python/generate_test_models.py) and their golden
 * outputs, as the build lays them out under target/test-models.
 */
public final class TestModels {
    private TestModels() {}

    public static Path root() {
        return Paths.get(System.getProperty("fhs.test.models.dir", "target/test-models"));
    }

    public static ModelDirectory splade() {
        return ModelDirectory.open(root().resolve("tiny-splade"));
    }

    /** tiny-splade saved as a sentence-transformers v5 inference-free SPLADE Router. */
    public static Path spladeRouter() {
        return root().resolve("tiny-splade-router").toAbsolutePath();
    }

    public static ModelDirectory crossEncoder() {
        return ModelDirectory.open(root().resolve("tiny-cross-encoder"));
    }

    public static JsonNode golden(String name) {
        try {
            return new ObjectMapper().readTree(root().resolve(name + "-golden.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a model directory (symlinking the ONNX graph) so a test can change its configuration.
     */
    public static Path copy(ModelDirectory model, Path target) {
        return copy(model.root(), target);
    }

    /** Copies a directory tree as {@link #copy(ModelDirectory, Path)} does. */
    public static Path copy(Path root, Path target) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(root.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else if (source.getFileName().toString().endsWith(".onnx")) {
                    Files.createSymbolicLink(dest, source.toAbsolutePath());
                } else {
                    Files.copy(source, dest);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
