package io.fhs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code fhs} command line: one entry point for every tool of the project. */
@Command(
        name = "fhs",
        mixinStandardHelpOptions = true,
        version = "flink-hybrid-search 0.1.0-SNAPSHOT",
        description =
                "Kafka streams to continuously fresh hybrid semantic search (Flink + Qdrant).",
        // bin/fhs runs these itself, before any Java starts.
        footer = {
            "",
            "Commands of bin/fhs itself:",
            "  quickstart  Start Kafka and Qdrant, ingest CACM and run a sample query.",
            "  local       Start, stop or show the local Kafka and Qdrant servers.",
            "  cluster     Run a Flink session cluster on this machine and submit jobs to it.",
            "  build       Build the project (bin/fhs also builds whenever a source changed)."
        },
        subcommands = {
            DemoCommand.class,
            EncodeCommand.class,
            RerankCommand.class,
            IngestCommand.class,
            ReindexCommand.class,
            EvalCommand.class,
            QueryCommand.class,
            SearchCommand.class,
            ServeCommand.class,
            ModelsCommand.class,
            BenchCommand.class,
            SqlCommand.class,
            TombstonesCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Fhs implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Fhs());
        cli.setExecutionStrategy(Fhs::refuseUnmatched);
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    // Users get the message that names the problem, not a stack trace; set
                    // FHS_DEBUG=1 for the trace.
                    cmd.getErr().println("fhs: " + e.getMessage());
                    if (System.getenv("FHS_DEBUG") != null) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 2;
                });
        return cli;
    }

    /**
     * Picocli lets unmatched arguments pass when {@code --help} is also given ({@code fhs NOSUCH
     * --help} printed the top-level help with exit 0); a typo must fail with its suggestions.
     */
    private static int refuseUnmatched(ParseResult parsed) {
        for (ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (!r.unmatched().isEmpty()) {
                throw new UnmatchedArgumentException(r.commandSpec().commandLine(), r.unmatched());
            }
        }
        return new RunLast().execute(parsed);
    }
}
