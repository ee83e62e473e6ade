package io.fhs.connectors.qdrant;

import io.grpc.Status;
import io.qdrant.client.QdrantClient;
import java.util.concurrent.ExecutionException;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One authenticated call before a job starts, so that a wrong CA certificate or API key fails at
 * once with a message that names the server (never the key) instead of inside a running job.
 */
@PublicEvolving
public final class QdrantConnectivity {
    private QdrantConnectivity() {}

    /** Lists the collections; throws {@link QdrantException} if the server cannot be used. */
    public static void check(QdrantConnection connection) {
        try (QdrantClient client = connection.open()) {
            client.listCollectionsAsync(connection.timeout()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QdrantException("Interrupted while checking Qdrant at " + connection, e);
        } catch (ExecutionException e) {
            throw new QdrantException(explain(connection, e.getCause()), e.getCause());
        }
    }

    private static String explain(QdrantConnection connection, Throwable cause) {
        Status status = QdrantErrors.status(cause);
        String where = "Qdrant at " + connection;
        if (QdrantErrors.tlsFailure(cause) != null) {
            return where + ": " + QdrantErrors.describe(cause);
        }
        if (status != null && status.getCode() == Status.Code.UNAUTHENTICATED) {
            return where
                    + " rejected the API key (env QDRANT_API_KEY or qdrant.api-key-file): "
                    + QdrantErrors.describe(cause);
        }
        if (status != null && status.getCode() == Status.Code.PERMISSION_DENIED) {
            return where
                    + " does not allow this API key to list collections (a read-only or"
                    + " collection-scoped key?): "
                    + QdrantErrors.describe(cause);
        }
        return where + " cannot be used: " + QdrantErrors.describe(cause);
    }
}
