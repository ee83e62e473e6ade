package io.fhs.jobs.sql;

/** A SQL script that cannot be split, filled in or run, with the line it failed at if known. */
public class SqlScriptException extends RuntimeException {
    public SqlScriptException(String message) {
        super(message);
    }

    public SqlScriptException(String message, Throwable cause) {
        super(message, cause);
    }
}
