package io.fhs.connectors.qdrant;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Classifies Qdrant failures in one place, as Flink's {@code FatalExceptionClassifier}s do: what a
 * retry can fix, what no record can fix, and what the request itself caused.
 */
@PublicEvolving
public final class QdrantErrors {
    /** What a failure says about the request that met it. */
    public enum Kind {
        /** The server is busy, restarting or unreachable: retry the same request later. */
        TRANSIENT,
        /** Configuration, not data (no collection, no permission): fail the job. */
        FATAL,
        /**
         * The server refused the request (invalid argument, a payload it cannot decode, an internal
         * error): retrying it unchanged will not help; the writes in it are suspects.
         */
        REFUSED
    }

    private static final Set<Status.Code> TRANSIENT =
            EnumSet.of(
                    Status.Code.UNAVAILABLE,
                    Status.Code.DEADLINE_EXCEEDED,
                    Status.Code.RESOURCE_EXHAUSTED,
                    Status.Code.ABORTED,
                    Status.Code.CANCELLED);

    private static final Set<Status.Code> FATAL =
            EnumSet.of(
                    Status.Code.NOT_FOUND,
                    Status.Code.UNAUTHENTICATED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.UNIMPLEMENTED);

    private static final Pattern PEER_UNAVAILABLE =
            Pattern.compile("Unavailable|Connection refused|transport error");

    private QdrantErrors() {}

    public static Kind classify(Throwable t) {
        // A failed TLS handshake (untrusted certificate, TLS against a plain server) is a
        // configuration error: retrying it for minutes only hides the cause.
        if (tlsFailure(t) != null) {
            return Kind.FATAL;
        }
        Status status = status(t);
        if (status == null) {
            // Failures without a gRPC status are connection-level (channel shut down, I/O errors).
            return Kind.TRANSIENT;
        }
        if (TRANSIENT.contains(status.getCode()) || peerUnavailable(status)) {
            return Kind.TRANSIENT;
        }
        return FATAL.contains(status.getCode()) ? Kind.FATAL : Kind.REFUSED;
    }

    /**
     * Whether a call that failed with {@code t} is worth repeating ({@link RetryPolicy} asks):
     * transient failures, and Qdrant 1.16's occasional "INTERNAL: Encountered end-of-stream
     * mid-frame" (a dropped stream, not a refusal) that a repeat usually gets past. Repeating a
     * real refusal a few times costs nothing there.
     */
    public static boolean isWorthRepeating(Throwable t) {
        Status status = status(t);
        return classify(t) == Kind.TRANSIENT
                || status != null
                        && (status.getCode() == Status.Code.INTERNAL
                                || status.getCode() == Status.Code.UNKNOWN);
    }

    /**
     * In a Qdrant cluster the node a client talks to forwards writes to the shards' other copies;
     * while a peer restarts it answers {@code INTERNAL: Service internal error: ... Unavailable ...
     * Connection refused}. The request is fine, the cluster is not ready: the fault drill saw such
     * writes dead-lettered when a retry minutes later would have applied them.
     */
    static boolean peerUnavailable(Status status) {
        String description = status.getDescription();
        return status.getCode() == Status.Code.INTERNAL
                && description != null
                && PEER_UNAVAILABLE.matcher(description).find();
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
