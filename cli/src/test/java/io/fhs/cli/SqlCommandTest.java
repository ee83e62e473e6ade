package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlCommandTest {
    static final String CONFIG = "../conf/ingest.yaml";

    @Test
    void runsABoundedScriptToTheEnd(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("numbers.sql");
        Files.writeString(
                script,
                """
                CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen',
                  'number-of-rows' = '${rows}', 'fields.n.kind' = 'sequence',
                  'fields.n.start' = '1', 'fields.n.end' = '${rows}');
                CREATE TABLE sink (n INT, s STRING) WITH ('connector' = 'blackhole');
                INSERT INTO sink SELECT n, '${kafka.bootstrap-servers}' FROM numbers;
                """);
        CliRunner.Result r =
                CliRunner.run(
                        new String[] {
                            "sql", "--config", CONFIG, "-D", "rows=3", script.toString()
                        });
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Running " + script).contains("Done in");
    }

    @Test
    void unknownVariableFailsNamingIt(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("bad.sql");
        Files.writeString(script, "SHOW TABLES;\nCREATE TABLE ${nobody} (a INT);");
        CliRunner.Result r =
                CliRunner.run(new String[] {"sql", "--config", CONFIG, script.toString()});
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("${nobody}").contains("line 2");
    }

    @Test
    void scriptWithoutInsertRunsNoJob(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("ddl.sql");
        Files.writeString(script, "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');");
        CliRunner.Result r =
                CliRunner.run(new String[] {"sql", "--config", CONFIG, script.toString()});
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("no INSERT statement");
    }
}
