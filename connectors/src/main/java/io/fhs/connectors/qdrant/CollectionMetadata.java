package io.fhs.connectors.qdrant;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.Collections.UpdateCollection;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;

/**
 * String entries in a collection's metadata (Qdrant 1.16+). The jobs keep what queries must know
 * about how the points were written there, e.g. the int8 calibration ranges, so that the ingest and
 * query jobs cannot disagree.
 */
@PublicEvolving
public final class CollectionMetadata {
    private CollectionMetadata() {}

    /** The entry {@code key}, or empty when the collection has none. */
    public static Optional<String> get(QdrantClient client, String collection, String key) {
        Map<String, Value> metadata =
                QdrantCalls.call(
                                "reading collection " + collection,
                                () -> client.getCollectionInfoAsync(collection))
                        .getConfig()
                        .getMetadataMap();
        Value value = metadata.get(key);
        if (value == null || value.getKindCase() == Value.KindCase.NULL_VALUE) {
            return Optional.empty();
        }
        if (value.getKindCase() != Value.KindCase.STRING_VALUE) {
            throw new QdrantException(
                    "Metadata '"
                            + key
                            + "' of collection "
                            + collection
                            + " is not a string but "
                            + value.getKindCase());
        }
        return Optional.of(value.getStringValue());
    }

    /** Sets {@code key} (Qdrant merges it with the entries already stored). */
    public static void put(QdrantClient client, String collection, String key, String value) {
        UpdateCollection update =
                UpdateCollection.newBuilder()
                        .setCollectionName(collection)
                        .putMetadata(key, ValueFactory.value(value))
                        .build();
        QdrantCalls.call(
                "writing metadata '" + key + "' of collection " + collection,
                () -> client.updateCollectionAsync(update));
    }
}
