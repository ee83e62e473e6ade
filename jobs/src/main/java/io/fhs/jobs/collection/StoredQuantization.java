package io.fhs.jobs.collection;

import io.fhs.connectors.qdrant.CollectionMetadata;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * How a collection's dense vectors are quantized, as its metadata records it: written once by the
 * ingest side when it prepares the collection, read by both jobs, so that queries quantize with the
 * very ranges the points were written with. The one place that knows the metadata entry.
 */
@Internal
public final class StoredQuantization {
    /** The collection metadata entry holding {@link VectorQuantization#toJson}. */
    public static final String METADATA_KEY = "fhs.quantization";

    private StoredQuantization() {}

    /** What the collection's metadata says, if anything. */
    public static Optional<VectorQuantization> read(QdrantClient client, String collection) {
        return CollectionMetadata.get(client, collection, METADATA_KEY)
                .map(VectorQuantization::fromJson);
    }

    /**
     * As {@link #read(QdrantClient, String)}, on a client of its own; none if nothing is stored.
     */
    public static VectorQuantization readOrNone(QdrantConnection qdrant, String collection) {
        try (QdrantClient client = qdrant.open()) {
            return read(client, collection).orElse(VectorQuantization.none());
        }
    }

    /** Records {@code q} as the collection's quantization. */
    public static void write(QdrantClient client, String collection, VectorQuantization q) {
        CollectionMetadata.put(client, collection, METADATA_KEY, q.toJson());
    }
}
