package io.fhs.jobs.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * A SQL script as the SQL client takes it: statements separated by {@code ;}, with {@code ${key}}
 * variables filled in from a map ({@code $${} stands for a literal {@code ${}).
 *
 * <p>Running a script executes its DDL, SET and other statements one by one in their order, and
 * all its INSERT statements together as one statement set, so that a script writing to several
 * tables (ingest: chunks, dense and sparse points) is one job, as the DataStream job is. {@code
 * BEGIN STATEMENT SET} and {@code END} are accepted and ignored, since every INSERT goes into the
 * one set anyway.
 */
public final class SqlScript {
    private SqlScript() {}

    /**
     * The statements of a script, variables filled in, comments and empty statements dropped.
     *
     * @throws SqlScriptException for a variable the map lacks or an unterminated literal or
     *     comment, naming the line
     */
    public static List<String> statements(String script, Map<String, String> vars) {
        return new Splitter(script, vars).split().stream().map(Statement::sql).toList();
    }

    /**
     * Runs a script; returns the result of its job: the INSERT statements' job, or, for a script
     * without INSERT, the result of its one query (a SELECT for the caller to print or collect).
     * Empty for a script of DDL alone.
     *
     * @throws SqlScriptException for a statement Flink rejects, naming the statement, or for a
     *     script with more than one query or a query beside INSERT statements
     */
    public static Optional<TableResult> execute(
            TableEnvironment env, String script, Map<String, String> vars) {
        List<Statement> inserts = new ArrayList<>();
        TableResult query = null;
        for (Statement statement : new Splitter(script, vars).split()) {
            String keyword = leadingWords(statement.sql());
            if (keyword.startsWith("INSERT")) {
                inserts.add(statement);
            } else if (keyword.equals("BEGIN STATEMENT SET") || keyword.equals("END")) {
                continue;
            } else if (query != null) {
                throw new SqlScriptException(
                        "A statement after the script's query; a script has at most one query, as"
                                + " its last statement: "
                                + statement);
            } else {
                TableResult result = run(env, statement);
                if (isQuery(keyword)) {
                    query = result;
                }
            }
        }
        if (query != null && !inserts.isEmpty()) {
            throw new SqlScriptException(
                    "A script runs either INSERT statements or one query, not both");
        }
        if (inserts.isEmpty()) {
            return Optional.ofNullable(query);
        }
        return Optional.of(insertAll(env, inserts));
    }

    /**
     * Runs a script's DDL and other statements and adds its INSERT statements to {@code env}'s
     * DataStream environment, for a caller that runs that environment's graph itself (bin/fhs sql
     * on its watched MiniCluster); returns whether the script had INSERT statements.
     *
     * @throws SqlScriptException for a statement Flink rejects or a query in the script
     */
    public static boolean attach(
            StreamTableEnvironment env, String script, Map<String, String> vars) {
        StreamStatementSet set = env.createStatementSet();
        boolean any = false;
        for (Statement statement : new Splitter(script, vars).split()) {
            String keyword = leadingWords(statement.sql());
            if (keyword.startsWith("INSERT")) {
                try {
                    set.addInsertSql(statement.sql());
                } catch (RuntimeException e) {
                    throw new SqlScriptException(statement + " failed", e);
                }
                any = true;
            } else if (isQuery(keyword)) {
                throw new SqlScriptException(
                        statement + " is a query; a script run here writes with INSERT");
            } else if (!keyword.equals("BEGIN STATEMENT SET") && !keyword.equals("END")) {
                run(env, statement);
            }
        }
        if (any) {
            set.attachAsDataStream();
        }
        return any;
    }

    private static TableResult run(TableEnvironment env, Statement statement) {
        try {
            return env.executeSql(statement.sql());
        } catch (RuntimeException e) {
            throw new SqlScriptException(statement + " failed", e);
        }
    }

    private static TableResult insertAll(TableEnvironment env, List<Statement> inserts) {
        StatementSet set = env.createStatementSet();
        for (Statement insert : inserts) {
            try {
                set.addInsertSql(insert.sql());
            } catch (RuntimeException e) {
                throw new SqlScriptException(insert + " failed", e);
            }
        }
        try {
            return set.execute();
        } catch (RuntimeException e) {
            throw new SqlScriptException("The script's INSERT statements failed to start", e);
        }
    }

    private static boolean isQuery(String keyword) {
        return keyword.startsWith("SELECT")
                || keyword.startsWith("WITH")
                || keyword.startsWith("VALUES")
                || keyword.startsWith("(");
    }

    /** Up to three leading words of a statement, upper case, single spaces. */
    private static String leadingWords(String statement) {
        String[] words = statement.strip().split("\\s+", 4);
        int n = Math.min(words.length, 3);
        return String.join(" ", List.of(words).subList(0, n)).toUpperCase(Locale.ROOT);
    }

    /**
     * A statement filled in, and as the script spells it: errors show the latter, since a
     * variable's value may be a secret.
     */
    private record Statement(String sql, String raw, int line) {
        @Override
        public String toString() {
            return "The statement at line " + line + " (" + raw + ")";
        }
    }

    /** One pass over the script: quotes and comments tracked, variables filled in. */
    private static final class Splitter {
        private final String text;
        private final Map<String, String> vars;
        private final List<Statement> statements = new ArrayList<>();
        private final StringBuilder sql = new StringBuilder();
        private final StringBuilder raw = new StringBuilder();
        private int pos;
        private int line = 1;
        private int startLine = 1;

        Splitter(String text, Map<String, String> vars) {
            this.text = text;
            this.vars = vars;
        }

        List<Statement> split() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == ';') {
                    pos++;
                    endStatement();
                } else if (c == '\'' || c == '"' || c == '`') {
                    quoted(c);
                } else if (text.startsWith("--", pos)) {
                    lineComment();
                } else if (text.startsWith("/*", pos)) {
                    blockComment();
                } else {
                    plain();
                }
            }
            endStatement();
            return List.copyOf(statements);
        }

        private void endStatement() {
            String statement = sql.toString().strip();
            if (!statement.isEmpty()) {
                statements.add(new Statement(statement, raw.toString().strip(), startLine));
            }
            sql.setLength(0);
            raw.setLength(0);
            startLine = line;
        }

        /** One character of code, or a variable starting there. */
        private void plain() {
            if (text.startsWith("$${", pos)) {
                sql.append("${");
                raw.append("$${");
                pos += 3;
            } else if (text.startsWith("${", pos)) {
                variable();
            } else {
                take();
            }
        }

        /** A literal or quoted identifier; a doubled quote inside stands for the quote. */
        private void quoted(char quote) {
            int startLine = line;
            take();
            while (true) {
                if (pos >= text.length()) {
                    throw new SqlScriptException(
                            "Unterminated " + quote + " quote opened at line " + startLine);
                }
                if (text.charAt(pos) == quote) {
                    take();
                    if (pos < text.length() && text.charAt(pos) == quote) {
                        take();
                    } else {
                        return;
                    }
                } else {
                    plain();
                }
            }
        }

        private void lineComment() {
            int end = text.indexOf('\n', pos);
            pos = end < 0 ? text.length() : end;
        }

        /** Skipped, its line breaks kept so that later errors name the right line. */
        private void blockComment() {
            int end = text.indexOf("*/", pos + 2);
            if (end < 0) {
                throw new SqlScriptException("Unterminated /* comment opened at line " + line);
            }
            for (int i = pos; i < end; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            if (!sql.isEmpty()) {
                sql.append(' ');
                raw.append(' ');
            }
            pos = end + 2;
        }

        private void variable() {
            int end = text.indexOf('}', pos + 2);
            int newline = text.indexOf('\n', pos);
            if (end < 0 || (newline >= 0 && newline < end)) {
                throw new SqlScriptException("Unterminated ${ at line " + line);
            }
            String key = text.substring(pos + 2, end).strip();
            String value = vars.get(key);
            if (value == null) {
                throw new SqlScriptException(
                        "Unknown variable ${"
                                + key
                                + "} at line "
                                + line
                                + "; known: "
                                + vars.keySet().stream().sorted().toList());
            }
            sql.append(value);
            raw.append(text, pos, end + 1);
            pos = end + 1;
        }

        private void take() {
            char c = text.charAt(pos++);
            if (c == '\n') {
                line++;
            }
            if (sql.isEmpty() && Character.isWhitespace(c)) {
                startLine = line;
                return;
            }
            sql.append(c);
            raw.append(c);
        }
    }
}
