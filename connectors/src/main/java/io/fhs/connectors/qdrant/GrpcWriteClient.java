package io.fhs.connectors.qdrant;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.Internal;

/** {@link QdrantWriteClient} on Qdrant's gRPC client. */
@Internal
final class GrpcWriteClient implements QdrantWriteClient {
    private final QdrantClient client;

    GrpcWriteClient(QdrantClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<Points.UpdateResult> upsert(Points.UpsertPoints request) {
        return QdrantFutures.toCompletable(client.upsertAsync(request));
    }

    @Override
    public CompletableFuture<Points.UpdateResult> setPayload(Points.SetPayloadPoints request) {
        return QdrantFutures.toCompletable(client.setPayloadAsync(request, null));
    }

    @Override
    public CompletableFuture<Points.UpdateResult> delete(Points.DeletePoints request) {
        return QdrantFutures.toCompletable(client.deleteAsync(request));
    }

    @Override
    public CompletableFuture<List<Points.FacetHit>> facet(Points.FacetCounts request) {
        return QdrantFutures.toCompletable(client.facetAsync(request));
    }

    @Override
    public void close() {
        client.close();
    }

    /** Opens a client on a {@link QdrantConnection}; its toString is the connection's (masked). */
    record Provider(QdrantConnection connection) implements QdrantWriteClient.Provider {
        private static final long serialVersionUID = 1L;

        Provider {
            Objects.requireNonNull(connection, "connection");
        }

        @Override
        public QdrantWriteClient open() {
            return new GrpcWriteClient(connection.open());
        }

        @Override
        public String toString() {
            return connection.toString();
        }
    }
}
