package io.fhs.connectors.qdrant;

import io.qdrant.client.grpc.Points;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The few Qdrant calls the sink writer makes, so that a test can stand in for the server (the gRPC
 * client is a concrete class built on a channel). The writer opens one per subtask from a {@link
 * Provider} and closes it with itself.
 */
@PublicEvolving
public interface QdrantWriteClient extends AutoCloseable {
    CompletableFuture<Points.UpdateResult> upsert(Points.UpsertPoints request);

    CompletableFuture<Points.UpdateResult> setPayload(Points.SetPayloadPoints request);

    CompletableFuture<Points.UpdateResult> delete(Points.DeletePoints request);

    /**
     * Counts points per payload value: how a guarded sink finds documents with a newer version
     * stored. A client that cannot (a test's stand-in) serves only unguarded or unversioned writes.
     */
    default CompletableFuture<List<Points.FacetHit>> facet(Points.FacetCounts request) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("This Qdrant client cannot count facets"));
    }

    @Override
    void close();

    /**
     * Opens a writer's client where the writer runs (a TaskManager); serializable so the sink
     * carries it there, as flink-connector-aws' {@code SdkClientProvider} does. Its {@code
     * toString} names the server in error messages and must not show secrets.
     */
    @PublicEvolving
    @FunctionalInterface
    interface Provider extends Serializable {
        QdrantWriteClient open();
    }

    /** The provider of real clients, on {@code connection}. */
    static Provider grpc(QdrantConnection connection) {
        return new GrpcWriteClient.Provider(connection);
    }
}
