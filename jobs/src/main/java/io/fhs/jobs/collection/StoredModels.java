package io.fhs.jobs.collection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.connectors.qdrant.CollectionMetadata;
import io.fhs.connectors.qdrant.QdrantException;
import io.fhs.jobs.options.ModelOptions;
import io.qdrant.client.QdrantClient;
import java.io.Serializable;
import java.util.Optional;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;

/**
 * The models a collection's points were encoded with, as its metadata records them: written by the
 * ingest side when it creates the collection (or by {@code fhs reindex} for the new one), read by
 * the query side, so that a query follows the collection behind an alias to its model rather than
 * trusting its own flags. The one place that knows the metadata entry.
 *
 * @param dense the dense model ({@code model.dense}: a bundled name or a directory)
 * @param sparse the sparse model ({@code model.sparse}, {@code none} for dense only)
 * @param bm25AvgLen {@code model.bm25.avg-len}, which BM25 query and document weights share
 */
@Internal
public record StoredModels(String dense, String sparse, double bm25AvgLen) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The collection metadata entry holding {@link #toJson}. */
    public static final String METADATA_KEY = "fhs.models";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The models {@code conf} configures. */
    public static StoredModels of(Configuration conf) {
        return new StoredModels(
                conf.get(ModelOptions.DENSE),
                conf.get(ModelOptions.SPARSE),
                conf.get(ModelOptions.BM25_AVG_LEN));
    }

    /** Whether {@code other} encodes alike (the BM25 length only tunes the weights). */
    public boolean sameEncoders(StoredModels other) {
        return dense.equals(other.dense) && sparse.equalsIgnoreCase(other.sparse);
    }

    /** {@code conf} with these models in place of its own. */
    public Configuration applyTo(Configuration conf) {
        Configuration out = new Configuration(conf);
        out.set(ModelOptions.DENSE, dense);
        out.set(ModelOptions.SPARSE, sparse);
        out.set(ModelOptions.BM25_AVG_LEN, bm25AvgLen);
        return out;
    }

    /** What the collection's metadata says, if anything. */
    public static Optional<StoredModels> read(QdrantClient client, String collection) {
        return CollectionMetadata.get(client, collection, METADATA_KEY)
                .map(json -> fromJson(collection, json));
    }

    /** Records {@code models} as the collection's models. */
    public static void write(QdrantClient client, String collection, StoredModels models) {
        CollectionMetadata.put(client, collection, METADATA_KEY, models.toJson());
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("dense", dense).put("sparse", sparse).put("bm25_avg_len", bm25AvgLen);
        return node.toString();
    }

    static StoredModels fromJson(String collection, String json) {
        try {
            var node = JSON.readTree(json);
            return new StoredModels(
                    node.path("dense").asText(),
                    node.path("sparse").asText(ModelOptions.NO_SPARSE),
                    node.path("bm25_avg_len").asDouble(ModelOptions.BM25_AVG_LEN.defaultValue()));
        } catch (JsonProcessingException e) {
            throw new QdrantException(
                    "Metadata '" + METADATA_KEY + "' of collection " + collection + " is no JSON",
                    e);
        }
    }
}
