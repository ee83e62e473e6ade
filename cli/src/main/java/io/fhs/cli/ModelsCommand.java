package io.fhs.cli;

import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.SentenceTransformerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fhs models}: the bundled models and what their configuration says. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "List the bundled models with their pooling, dimension and limits.")
final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.printf(
                "%-24s %5s %-8s %9s %7s  %s%n",
                "MODEL", "DIM", "POOLING", "NORMALIZE", "MAX_LEN", "PROMPTS");
        for (String name : ModelLocator.bundledNames()) {
            ModelDirectory dir = ModelLocator.resolve(name);
            SentenceTransformerConfig c = SentenceTransformerConfig.load(dir);
            System.out.printf(
                    "%-24s %5d %-8s %9s %7d  %s%n",
                    name,
                    c.embeddingDimension(),
                    c.poolingModes().get(0).stName(),
                    c.normalize(),
                    c.maxSeqLength(),
                    c.prompts().keySet());
        }
        System.out.println("Models directory: " + ModelLocator.bundledModelsDir().toAbsolutePath());
        return 0;
    }
}
