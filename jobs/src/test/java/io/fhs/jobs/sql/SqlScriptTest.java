package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqlScriptTest {
    /** One cluster for the tests that run scripts: a per-job local one ends before collect(). */
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    static final Map<String, String> NO_VARS = Map.of();

    @Test
    void splitsOnTopLevelSemicolonsOnly() {
        String script =
                """
                CREATE TABLE t (`a;b` INT, "c;d" STRING) WITH ('k' = 'x;y');
                -- a comment; with a semicolon
                INSERT INTO t /* not; here */ SELECT 1, 'z';
                SELECT 'it''s; one literal'
                """;
        assertThat(SqlScript.statements(script, NO_VARS))
                .containsExactly(
                        "CREATE TABLE t (`a;b` INT, \"c;d\" STRING) WITH ('k' = 'x;y')",
                        "INSERT INTO t   SELECT 1, 'z'",
                        "SELECT 'it''s; one literal'");
    }

    @Test
    void dropsEmptyAndCommentOnlyStatements() {
        String script = ";;\n -- only a comment\n;\n/* block\n; */ ;SHOW TABLES;  \n";
        assertThat(SqlScript.statements(script, NO_VARS)).containsExactly("SHOW TABLES");
    }

    @Test
    void commentMarkersInsideLiteralsAreText() {
        String script = "SELECT '-- not a comment', '/* nor this */' -- but this\n";
        assertThat(SqlScript.statements(script, NO_VARS))
                .containsExactly("SELECT '-- not a comment', '/* nor this */'");
    }

    @Test
    void fillsInVariablesInCodeAndLiterals() {
        String script =
                "CREATE TABLE ${table} WITH ('bootstrap' = '${kafka.bootstrap-servers}',"
                        + " 'literal' = '$${kept}');";
        Map<String, String> vars = Map.of("table", "docs", "kafka.bootstrap-servers", "h:1;h:2");
        assertThat(SqlScript.statements(script, vars))
                .containsExactly(
                        "CREATE TABLE docs WITH ('bootstrap' = 'h:1;h:2', 'literal' = '${kept}')");
    }

    @Test
    void variablesInCommentsAreNotFilledIn() {
        assertThat(SqlScript.statements("-- ${nobody}\nSHOW TABLES", NO_VARS))
                .containsExactly("SHOW TABLES");
    }

    @Test
    void unknownVariableFailsNamingItAndTheLine() {
        String script = "SHOW TABLES;\n\nCREATE TABLE ${table} (a INT);";
        assertThatThrownBy(() -> SqlScript.statements(script, Map.of("other", "x")))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("${table}")
                .hasMessageContaining("line 3")
                .hasMessageContaining("[other]");
    }

    @Test
    void unterminatedLiteralFailsNamingTheLineItOpened() {
        assertThatThrownBy(() -> SqlScript.statements("SHOW TABLES;\nSELECT 'open;\n", NO_VARS))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> SqlScript.statements("SELECT 1 /* open", NO_VARS))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void failedStatementIsShownAsWrittenNotFilledIn() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        String script =
                "\n-- the failing one\nCREATE TABLE t (a INT) WITH ('token' = '${token}', x)";
        assertThatThrownBy(() -> SqlScript.execute(env, script, Map.of("token", "s3cr3t")))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("'${token}'")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void insertsRunTogetherAsOneJob() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        String script =
                """
                CREATE TABLE numbers (n INT) WITH (
                  'connector' = 'datagen', 'number-of-rows' = '${rows}',
                  'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '${rows}');
                CREATE TABLE low (n INT) WITH ('connector' = 'blackhole');
                CREATE TABLE all_of_them (n INT) WITH ('connector' = 'blackhole');
                BEGIN STATEMENT SET;
                INSERT INTO low SELECT n FROM numbers WHERE n <= 2;
                INSERT INTO all_of_them SELECT n FROM numbers;
                END;
                """;
        TableResult result = SqlScript.execute(env, script, Map.of("rows", "5")).orElseThrow();
        assertThat(result.getJobClient()).isPresent();
        assertThat(result.getResolvedSchema().getColumnNames())
                .containsExactly(
                        "default_catalog.default_database.low",
                        "default_catalog.default_database.all_of_them");
        result.await();
        // One job for both sinks: its result has a column per sink (counts unknown, -1).
        assertThat(result.getJobClient().orElseThrow().getJobStatus().get())
                .isEqualTo(JobStatus.FINISHED);
        assertThat(rows(result)).containsExactly(Row.of(-1L, -1L));
    }

    @Test
    void scriptWithoutInsertReturnsItsQuery() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        String script =
                """
                CREATE TEMPORARY VIEW v AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, s);
                SELECT id * ${factor}, s FROM v ORDER BY id;
                """;
        TableResult result = SqlScript.execute(env, script, Map.of("factor", "10")).orElseThrow();
        assertThat(rows(result)).containsExactly(Row.of(10, "a"), Row.of(20, "b"));
    }

    @Test
    void scriptOfDdlAloneReturnsNothing() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        Optional<TableResult> result =
                SqlScript.execute(
                        env, "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')", NO_VARS);
        assertThat(result).isEmpty();
        assertThat(env.listTables()).containsExactly("t");
    }

    @Test
    void queryBesideInsertsIsRejected() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        String script =
                "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');"
                        + "INSERT INTO t VALUES (1); SELECT 1";
        assertThatThrownBy(() -> SqlScript.execute(env, script, NO_VARS))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("not both");
    }

    static List<Row> rows(TableResult result) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
