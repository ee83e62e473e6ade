package io.fhs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fhs bench}: benchmarks that compare us with a peer measured in the same run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints ratios against a peer measured in the same run.",
        subcommands = {
            EncoderBenchCommand.class,
            IngestBenchCommand.class,
            QueryBenchCommand.class,
            FaultsBenchCommand.class,
            SoakBenchCommand.class,
            StateBenchCommand.class,
            FootprintBenchCommand.class,
            ScalingBenchCommand.class
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
