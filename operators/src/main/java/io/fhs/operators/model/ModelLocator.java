package io.fhs.operators.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Resolves a model reference: a directory path, or the name of a bundled model (case-insensitive,
 * with or without its Hugging Face organisation, e.g. {@code
 * sentence-transformers/all-MiniLM-L6-v2}).
 *
 * <p>Bundled models live in the directory named by the system property {@code fhs.models.dir} or
 * the environment variable {@code FHS_MODELS_DIR}; the build materializes them there.
 */
@PublicEvolving
public final class ModelLocator {
    public static final String MODELS_DIR_PROPERTY = "fhs.models.dir";
    public static final String MODELS_DIR_ENV = "FHS_MODELS_DIR";

    /** The model the project uses when none is configured. */
    public static final String DEFAULT_MODEL = "all-MiniLM-L6-v2";

    private ModelLocator() {}

    public static ModelDirectory resolve(String reference) {
        return ModelDirectory.open(resolvePath(reference));
    }

    /**
     * The directory a reference names, without checking its files: for layouts that are no single
     * model graph, such as a sentence-transformers Router.
     */
    public static Path resolvePath(String reference) {
        Path asPath = Paths.get(reference);
        if (Files.isDirectory(asPath)) {
            return asPath;
        }
        Path bundled = bundledModelsDir();
        String wanted = stripOrganisation(reference).toLowerCase(Locale.ROOT);
        List<String> available = bundledNames(bundled);
        for (String name : available) {
            if (name.toLowerCase(Locale.ROOT).equals(wanted)) {
                return bundled.resolve(name);
            }
        }
        throw new ModelException(
                "Unknown model '"
                        + reference
                        + "': it is not a directory, and no bundled model has that name"
                        + (available.isEmpty()
                                ? " (no bundled models found in "
                                        + bundled
                                        + "; build the project or set "
                                        + MODELS_DIR_ENV
                                        + ")"
                                : " (bundled: " + String.join(", ", available) + ")"));
    }

    /** Names of the bundled models, sorted. */
    public static List<String> bundledNames() {
        return bundledNames(bundledModelsDir());
    }

    public static Path bundledModelsDir() {
        String dir = System.getProperty(MODELS_DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(MODELS_DIR_ENV);
        }
        if (dir == null || dir.isBlank()) {
            dir = "operators/target/models";
        }
        return Paths.get(dir);
    }

    private static List<String> bundledNames(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve("tokenizer.json")))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ModelException("Cannot list bundled models in " + dir, e);
        }
    }

    private static String stripOrganisation(String reference) {
        int slash = reference.indexOf('/');
        return slash < 0 ? reference : reference.substring(slash + 1);
    }
}
