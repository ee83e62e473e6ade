package io.fhs.cli;

import io.fhs.cli.progress.ProgressLine;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options shared by every command that shows progress on stderr. */
final class ProgressOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--quiet", description = "Show no progress on stderr.")
    boolean quiet;

    @Option(
            names = "--progress-every",
            paramLabel = "SECONDS",
            description =
                    "Seconds between progress lines where stderr is not a terminal (default:"
                            + " ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double every;

    /** A progress line on the command's stderr, or one that shows nothing with --quiet. */
    ProgressLine line(String label, String unit, String rateUnit) {
        if (!(every > 0)) {
            throw new ParameterException(
                    command.commandLine(), "--progress-every must be > 0, got " + every);
        }
        if (quiet) {
            return ProgressLine.off();
        }
        return ProgressLine.on(
                command.commandLine().getErr(),
                label,
                unit,
                rateUnit,
                Duration.ofNanos((long) (every * 1e9)));
    }
}
