package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlRunnerTest {
    @Test
    void knownKeysGoThroughTheConfigurationOthersAreTheScriptsOwn() {
        Map<String, String> vars =
                SqlRunner.variables(
                        new String[] {
                            "script.sql", "-Dkafka.bootstrap-servers=h:9", "-Doutput-topic=out"
                        });
        assertThat(vars).containsEntry("kafka.bootstrap-servers", "h:9");
        assertThat(vars).containsEntry("output-topic", "out");
    }

    @Test
    void readsAFileElseAClasspathResource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.sql");
        Files.writeString(file, "SHOW TABLES;");
        assertThat(SqlRunner.read(file.toString())).isEqualTo("SHOW TABLES;");
        assertThat(SqlRunner.read("sql/runner-test.sql")).contains("runner-test");
        assertThatThrownBy(() -> SqlRunner.read("no/such.sql"))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("no/such.sql");
    }
}
