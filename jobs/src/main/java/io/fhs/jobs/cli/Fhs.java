package io.fhs.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fhs} command line: one entry point for every tool of the project. */
@Command(
        name = "fhs",
        mixinStandardHelpOptions = true,
        version = "flink-hybrid-search 0.1.0-SNAPSHOT",
        description =
                "Kafka streams to continuously fresh hybrid semantic search (Flink + Qdrant).",
        subcommands = {
            DemoCommand.class,
            EncodeCommand.class,
            RerankCommand.class,
            IngestCommand.class,
            EvalCommand.class,
            QueryCommand.class,
            SearchCommand.class,
            ModelsCommand.class,
            BenchCommand.class,
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
}
