package io.fhs.cli;

import io.fhs.cli.reindex.LiveReindex;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.Connectivity;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.reindex.ReindexOptions;
import io.fhs.operators.quantize.VectorQuantization;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhs reindex}: moves the collection behind an alias to other models, without downtime. */
@Command(
        name = "reindex",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild the collection behind the alias qdrant.collection with other models, from the",
            "topic, while ingest jobs and queries keep running; then switch the alias atomically.",
            "Re-running an interrupted reindex continues it. README: Model upgrades without"
                    + " downtime."
        })
final class ReindexCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigMixin options;

    @Option(
            names = "--model",
            paramLabel = "NAME|DIR",
            required = true,
            description = "The new dense model: a bundled name or a model directory.")
    String model;

    @Option(
            names = "--sparse",
            paramLabel = "NAME|DIR",
            description = "The new sparse model (bm25, a SPLADE directory, none); default: as now.")
    String sparse;

    @Option(
            names = "--quantization",
            paramLabel = "MODE",
            description =
                    "Stored vectors of the new collection: ${COMPLETION-CANDIDATES};"
                            + " default: as now.")
    VectorQuantization.Mode quantization;

    @Option(
            names = "--drop-old",
            description =
                    "Drop the old collection after the switch (stop or restart the ingest jobs"
                            + " that still write it first: they would fail).")
    boolean dropOld;

    @Option(
            names = "--parallelism",
            description = "Parallelism of the copy passes (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int parallelism;

    @Mixin ProgressOptionsMixin progress;

    @Override
    public Integer call() throws Exception {
        Configuration wanted = wanted(options.ingest());
        ModelOptions.checkModels(wanted);
        Connectivity.check(wanted);
        PrintWriter out = spec.commandLine().getOut();
        LiveReindex.Result r =
                new LiveReindex(
                                wanted,
                                dropOld,
                                parallelism,
                                out,
                                spec.commandLine().getErr(),
                                n -> progress.line("reindex pass " + n, "documents read", "docs/s"))
                        .run();
        out.printf(
                "Done: alias %s -> %s (was %s), %d points, %d pass(es)%n",
                r.alias(), r.to(), r.from(), r.points(), r.passes());
        out.flush();
        return 0;
    }

    /** The ingest options with the models and quantization this reindex moves to, checked. */
    Configuration wanted(Configuration conf) {
        Configuration out = new Configuration(conf);
        out.set(ModelOptions.DENSE, model);
        if (sparse != null) {
            out.set(ModelOptions.SPARSE, sparse);
        }
        if (quantization != null) {
            out.set(IngestOptions.CLIENT_QUANTIZATION, quantization);
        }
        IngestOptions.sanityCheck(out);
        ReindexOptions.sanityCheck(out);
        return out;
    }
}
