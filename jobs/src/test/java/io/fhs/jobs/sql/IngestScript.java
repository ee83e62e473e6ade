package io.fhs.jobs.sql;

import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * conf/sql/ingest.sql as the tests run it: through {@link SqlScript}, as {@code bin/fhs sql} and
 * the SQL runner do, with variables for the test's servers.
 */
final class IngestScript {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9._-]+)}");

    private IngestScript() {}

    static Path path() {
        return TestData.root().resolve("conf/sql/ingest.sql");
    }

    /** The script's variables for a topic and collection of the test's servers. */
    static Map<String, String> variables(
            PipelineExtension pipeline, String topic, String collection) {
        return Map.of(
                "topic",
                topic,
                "bootstrap-servers",
                pipeline.bootstrapServers(),
                "group-id",
                "sql-" + topic,
                "qdrant-url",
                pipeline.qdrantUrl(),
                "collection",
                collection,
                "dense-model",
                "all-MiniLM-L6-v2",
                "bm25-avg-len",
                "60");
    }

    /** Runs the script; returns the running statement set's result. */
    static TableResult run(TableEnvironment sql, Map<String, String> variables) throws IOException {
        return SqlScript.execute(sql, Files.readString(path()), variables)
                .orElseThrow(() -> new AssertionError("the ingest script has no INSERT"));
    }
}
