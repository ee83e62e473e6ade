package io.fhs.connectors.qdrant;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.Set;

/** Classifies Qdrant failures once: retry (server busy or gone) or fail (the request is wrong). */
public final class QdrantErrors {
    private static final Set<Status.Code> TRANSIENT =
            EnumSet.of(
                    Status.Code.UNAVAILABLE,
                    Status.Code.DEADLINE_EXCEEDED,
                    Status.Code.RESOURCE_EXHAUSTED,
                    Status.Code.ABORTED,
                    Status.Code.CANCELLED,
                    Status.Code.UNKNOWN,
                    Status.Code.INTERNAL);

    private QdrantErrors() {}

    public static boolean isTransient(Throwable t) {
        Status status = status(t);
        // Failures without a gRPC status are connection-level (channel shut down, I/O errors).
        return status == null || TRANSIENT.contains(status.getCode());
    }

    static Status status(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StatusRuntimeException e) {
                return e.getStatus();
            }
        }
        return null;
    }

    /**
     * The server's own words, e.g. {@code INVALID_ARGUMENT: Wrong input: Vector dimension error}.
     */
    public static String describe(Throwable t) {
        Status status = status(t);
        if (status == null) {
            return String.valueOf(t.getMessage());
        }
        return status.getCode()
                + (status.getDescription() != null ? ": " + status.getDescription() : "");
    }
}
