package io.fhs.cli;

import io.fhs.cli.local.JobProgress;
import io.fhs.cli.local.LocalJobRun;
import io.fhs.jobs.options.Connectivity;
import io.fhs.jobs.query.QueryJob;
import io.fhs.jobs.query.QueryOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhs query}: runs the query job on a local Flink. */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Run the query job locally, from the query topic to the results topic.",
            "Results are keyed by query_id. Options come from conf/query.yaml; -D key=value",
            "overrides them."
        })
final class QueryCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin ConfigMixin options;

    @Option(
            names = "--bounded",
            description = "Answer what the topic holds now, from its start, then stop.")
    boolean bounded;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Configuration conf = options.query();
        Connectivity.check(conf);
        StreamExecutionEnvironment env = LocalJobRun.environment(conf, 1);
        QueryJob.buildFromKafka(env, conf, bounded);
        out.printf(
                "Answering %s into %s%s%n",
                conf.get(QueryOptions.TOPIC),
                conf.get(QueryOptions.RESULTS_TOPIC),
                bounded ? " (until the end of the topic)" : " (Ctrl-C stops)");
        out.flush();
        LocalJobRun.Result run =
                LocalJobRun.run(
                        env, conf, "fhs-query", spec.commandLine().getErr(), JobProgress.NONE);
        out.printf(
                "%s in %.1f s; restarts: %d%n",
                run.cancelled() ? "Cancelled" : "Done",
                run.duration().toMillis() / 1e3,
                run.restarts());
        out.flush();
        return 0;
    }
}
