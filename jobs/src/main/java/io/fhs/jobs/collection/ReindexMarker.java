package io.fhs.jobs.collection;

import io.fhs.connectors.qdrant.CollectionMetadata;
import io.qdrant.client.QdrantClient;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * The pending target of a reindex, kept in the metadata of the collection being replaced: {@code
 * fhs reindex} records the new physical collection there before it starts copying, and every
 * running ingest job that writes the old collection reads it and also writes its new changes to the
 * new one (encoded with the new collection's {@link StoredModels}). Re-running an interrupted
 * reindex finds its target here and continues.
 */
@Internal
public final class ReindexMarker {
    /** The collection metadata entry naming the new physical collection ("" when none). */
    public static final String METADATA_KEY = "fhs.reindex.target";

    private ReindexMarker() {}

    /** The collection a reindex of {@code collection} is building, if one is. */
    public static Optional<String> target(QdrantClient client, String collection) {
        return CollectionMetadata.get(client, collection, METADATA_KEY).filter(t -> !t.isEmpty());
    }

    /** Records that {@code target} is being built to replace {@code collection}. */
    public static void set(QdrantClient client, String collection, String target) {
        CollectionMetadata.put(client, collection, METADATA_KEY, target);
    }

    /** Records that no reindex of {@code collection} is pending. */
    public static void clear(QdrantClient client, String collection) {
        CollectionMetadata.put(client, collection, METADATA_KEY, "");
    }
}
