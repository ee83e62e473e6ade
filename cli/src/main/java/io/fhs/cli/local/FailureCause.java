package io.fhs.cli.local;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.flink.util.SerializedThrowable;

/**
 * The one line a user needs from a job failure: the first exception of the cause chain that is not
 * a Flink or JDK wrapper (Flink's "Recovery is suppressed by ..." wraps the sink's own exception,
 * which names the server and what it answered).
 */
public final class FailureCause {
    private static final Set<String> JDK_WRAPPERS =
            Set.of(
                    CompletionException.class.getName(),
                    ExecutionException.class.getName(),
                    InvocationTargetException.class.getName(),
                    UndeclaredThrowableException.class.getName());

    private FailureCause() {}

    /**
     * {@code SimpleClassName: message} of the cause worth showing (the deepest one if all wrap).
     */
    public static String describe(Throwable failure) {
        Throwable shown = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            shown = t;
            if (!isWrapper(className(t))) {
                break;
            }
        }
        String name = className(shown);
        String simple = name.substring(name.lastIndexOf('.') + 1);
        String message = message(shown, name);
        return message.isEmpty() ? simple : simple + ": " + message;
    }

    // A SerializedThrowable's message is the original's toString(): "class: message" or "class".
    private static String message(Throwable t, String className) {
        String message = t.getMessage() == null ? "" : t.getMessage().strip();
        if (t instanceof SerializedThrowable && message.startsWith(className)) {
            message = message.substring(className.length());
            message = message.startsWith(":") ? message.substring(1).strip() : message;
        }
        return message;
    }

    // Flink ships failures between its components as SerializedThrowable; the original class
    // name is what tells wrappers from causes.
    private static String className(Throwable t) {
        return t instanceof SerializedThrowable s
                ? s.getOriginalErrorClassName()
                : t.getClass().getName();
    }

    private static boolean isWrapper(String className) {
        return className.startsWith("org.apache.flink.") || JDK_WRAPPERS.contains(className);
    }
}
