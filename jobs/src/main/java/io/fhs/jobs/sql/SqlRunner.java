package io.fhs.jobs.sql;

import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.config.KnownOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Runs a SQL script on the environment the main is given, so that {@code flink run -c
 * io.fhs.jobs.sql.SqlRunner fhs-jobs-job.jar SCRIPT [--config FILE] [-Dkey=value]...} runs it on a
 * cluster; prints the job id.
 *
 * <p>SCRIPT is a file where the main runs (the client side) or, failing that, a resource of the job
 * jar ({@code conf/sql/ingest.sql}), so that a cluster needs no file. The script's variables are
 * the project's configuration ({@code --config} file, environment, {@code -D} of known keys) and
 * any other {@code -D} pair, which is the script's own.
 */
public final class SqlRunner {
    private SqlRunner() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new SqlScriptException(
                    "Usage: SqlRunner SCRIPT [--config FILE] [-Dkey=value]...");
        }
        String script = read(args[0]);
        Map<String, String> vars = variables(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Optional<TableResult> result =
                SqlScript.execute(StreamTableEnvironment.create(env), script, vars);
        if (result.isEmpty()) {
            System.out.println("The script started no job");
            return;
        }
        result.get()
                .getJobClient()
                .ifPresent(client -> System.out.println("Job " + client.getJobID()));
        result.get().print();
    }

    /**
     * The configuration's values under their keys and the script's own {@code -D} pairs; the latter
     * are kept out of ConfigLoader, which rejects keys it does not know.
     */
    static Map<String, String> variables(String[] args) {
        Map<String, String> own = new LinkedHashMap<>();
        List<String> configArgs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (arg.startsWith("-D") && eq > 2 && !KnownOptions.isKnown(arg.substring(2, eq))) {
                own.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                configArgs.add(arg);
            }
        }
        Configuration conf = ConfigLoader.load(configArgs.toArray(String[]::new));
        Map<String, String> vars = new LinkedHashMap<>(conf.toMap());
        vars.putAll(own);
        return vars;
    }

    /** A file, else a classpath resource of that name. */
    public static String read(String script) throws IOException {
        Path file = Path.of(script);
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        try (InputStream in = SqlRunner.class.getClassLoader().getResourceAsStream(script)) {
            if (in == null) {
                throw new SqlScriptException(
                        "No script " + script + ": neither a file here nor a resource of the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
