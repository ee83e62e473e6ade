package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * conf/sql/ingest.sql as the tests run it: {@code ${key}} substituted, split into statements at the
 * {@code ;} that ends a line (an {@code EXECUTE STATEMENT SET} block runs to its {@code END;}),
 * each executed in order.
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

    static List<String> statements(Path script, Map<String, String> variables) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inSet = false;
        for (String line : Files.readAllLines(script)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            current.append(line).append('\n');
            if (current.toString().strip().startsWith("EXECUTE STATEMENT SET")) {
                inSet = true;
            }
            boolean ends = inSet ? trimmed.equals("END;") : trimmed.endsWith(";");
            if (ends) {
                String statement = current.toString().strip();
                out.add(substitute(statement.substring(0, statement.length() - 1), variables));
                current.setLength(0);
                inSet = false;
            }
        }
        assertThat(current.toString().strip()).as("text after the last statement").isEmpty();
        return out;
    }

    static String substitute(String text, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            assertThat(value).as("script variable %s", m.group(1)).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Runs every statement; returns the last one's result (the running statement set). */
    static TableResult run(TableEnvironment sql, Map<String, String> variables) throws IOException {
        TableResult last = null;
        for (String statement : statements(path(), variables)) {
            last = sql.executeSql(statement);
        }
        return last;
    }
}
