package io.fhs.jobs.testing;

import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the tests find the project and its data: the repository root (system property {@code
 * fhs.root}, set by the build; the parent of the module directory otherwise), the CACM collection
 * beside the repository ({@code ../shared/data/cacm}) and the generated test models.
 */
public final class TestData {
    private TestData() {}

    /** The repository root, absolute. */
    public static Path root() {
        return Path.of(System.getProperty("fhs.root", "..")).toAbsolutePath().normalize();
    }

    /** A file under the repository's {@code conf/}, e.g. {@code ingest.yaml}. */
    public static Path conf(String file) {
        return root().resolve("conf").resolve(file);
    }

    /** The CACM dataset directory (corpus.jsonl, queries.jsonl, qrels). */
    public static Path cacm() {
        return root().resolve("../shared/data/cacm").normalize();
    }

    public static Path cacmCorpus() {
        return cacm().resolve("corpus.jsonl");
    }

    public static Path cacmQueries() {
        return cacm().resolve("queries.jsonl");
    }

    /** The first {@code n} CACM documents. */
    public static List<TextRecord> cacmDocuments(int n) {
        return JsonLines.read(cacmCorpus()).subList(0, n);
    }

    /**
     * The CACM documents {@code from} (inclusive) to {@code to} (exclusive) written as a corpus
     * file {@code NAME.jsonl} in {@code dir}.
     */
    public static Path cacmCorpusFile(Path dir, String name, int from, int to) throws Exception {
        try (Stream<String> lines = Files.lines(cacmCorpus())) {
            return Files.write(
                    dir.resolve(name + ".jsonl"), lines.skip(from).limit(to - from).toList());
        }
    }

    /** The generated test models (system property {@code fhs.test.models.dir}). */
    public static Path testModels() {
        return Path.of(System.getProperty("fhs.test.models.dir", "target/test-models"));
    }

    /** A generated test model, e.g. {@code tiny-cross-encoder}. */
    public static Path testModel(String name) {
        return testModels().resolve(name);
    }

    /**
     * Points a child {@code bin/fhs} or {@code bin/fhs-cluster} at the models the build
     * materialized (system property {@code fhs.models.dir}), when the build set one.
     */
    public static void passModelsDir(Map<String, String> childEnvironment) {
        String models = System.getProperty("fhs.models.dir");
        if (models != null && !models.isBlank()) {
            childEnvironment.put("FHS_MODELS_DIR", models);
        }
    }
}
