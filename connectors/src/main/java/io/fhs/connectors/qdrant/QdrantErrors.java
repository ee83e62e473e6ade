package io.fhs.connectors.qdrant;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.SSLException;

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
        // A failed TLS handshake (untrusted certificate, TLS against a plain server) is a
        // configuration error: retrying it for minutes only hides the cause.
        if (tlsFailure(t) != null) {
            return false;
        }
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

    /** The TLS failure behind {@code t}, or null when it is none. */
    static SSLException tlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException e) {
                return e;
            }
        }
        return null;
    }

    /**
     * The server's own words, e.g. {@code INVALID_ARGUMENT: Wrong input: Vector dimension error}.
     */
    public static String describe(Throwable t) {
        SSLException tls = tlsFailure(t);
        if (tls != null) {
            return "TLS handshake failed ("
                    + tls.getMessage()
                    + "): check that the URL's scheme matches the server and that the CA file"
                    + " (qdrant.tls.ca-file) holds the certificate that signed the server's";
        }
        Status status = status(t);
        if (status == null) {
            return String.valueOf(t.getMessage());
        }
        return status.getCode()
                + (status.getDescription() != null ? ": " + status.getDescription() : "");
    }
}
