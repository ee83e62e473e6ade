package io.fhs.cli;

import io.fhs.cli.local.JobProgress;
import io.fhs.cli.local.LocalJobRun;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.config.KnownOptions;
import io.fhs.jobs.sql.SqlRunner;
import io.fhs.jobs.sql.SqlScript;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fhs sql FILE}: runs a SQL script on a local Flink (in this JVM). */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Run a SQL script (conf/sql/ingest.sql, conf/sql/query.sql) on a local Flink.",
            "Its ${key} variables are the options of conf/ingest.yaml (or --config) and",
            "-D key=value pairs; Ctrl-C stops an unbounded script."
        })
final class SqlCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigMixin options;

    @Parameters(index = "0", paramLabel = "FILE", description = "The script.")
    Path script;

    @Option(
            names = "--parallelism",
            description = "Operator parallelism (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> own = new LinkedHashMap<>();
        Map<String, String> known = new LinkedHashMap<>();
        options.overrides.forEach((k, v) -> (KnownOptions.isKnown(k) ? known : own).put(k, v));
        Path file =
                options.config != null
                        ? options.config
                        : Path.of(
                                System.getProperty("fhs.home", "."),
                                "conf",
                                ConfigMixin.INGEST_FILE);
        Configuration conf = ConfigLoader.load(file, known);
        Map<String, String> vars = new LinkedHashMap<>(conf.toMap());
        vars.putAll(own);
        StreamExecutionEnvironment env = LocalJobRun.environment(conf, parallelism);
        String text = SqlRunner.read(script.toString());
        if (!SqlScript.attach(StreamTableEnvironment.create(env), text, vars)) {
            out.println("The script has no INSERT statement: nothing to run");
            out.flush();
            return 0;
        }
        out.printf("Running %s%s%n", script, " (Ctrl-C stops)");
        out.flush();
        LocalJobRun.Result run =
                LocalJobRun.run(
                        env,
                        conf,
                        "fhs-sql-" + script.getFileName(),
                        spec.commandLine().getErr(),
                        JobProgress.NONE);
        out.printf(
                "%s in %.1f s; restarts: %d%n",
                run.cancelled() ? "Cancelled" : "Done",
                run.duration().toMillis() / 1e3,
                run.restarts());
        out.flush();
        return 0;
    }
}
