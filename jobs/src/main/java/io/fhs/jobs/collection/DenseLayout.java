package io.fhs.jobs.collection;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.MatryoshkaPrefix;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.SentenceTransformerConfig;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.io.Serializable;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sizes of a collection's dense vectors, as the query side must encode for them: the dense
 * vector's (the model's dimension, or {@code model.truncate-dim}) and the Matryoshka prefix
 * vector's, if any. The collection's own vector configuration is the record of both, so a query job
 * follows the collection rather than trusting its options.
 *
 * @param truncateDim dimensions the query encoder keeps; 0 for all of them
 * @param prefixDimension size of the stored {@link MatryoshkaPrefix} vector; 0 for none
 */
@Internal
public record DenseLayout(int truncateDim, int prefixDimension) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DenseLayout.class);

    /** What the options say, for a collection that cannot be read (or does not exist yet). */
    public static DenseLayout fromOptions(Configuration conf) {
        return new DenseLayout(ModelOptions.truncateDim(conf), QdrantOptions.matryoshkaDim(conf));
    }

    /**
     * The layout of the collection {@code conf} names: a {@code model.truncate-dim} that disagrees
     * with its stored dense size is refused, naming the option; unset, the query side follows a
     * collection that was written truncated.
     */
    public static DenseLayout read(QdrantClient client, Configuration conf) {
        String collection = conf.get(QdrantOptions.COLLECTION);
        if (!QdrantCalls.call(
                "checking collection " + collection,
                () -> client.collectionExistsAsync(collection))) {
            return fromOptions(conf);
        }
        Map<String, VectorParams> vectors =
                QdrantCalls.call(
                                "reading collection " + collection,
                                () -> client.getCollectionInfoAsync(collection))
                        .getConfig()
                        .getParams()
                        .getVectorsConfig()
                        .getParamsMap()
                        .getMapMap();
        VectorParams dense = vectors.get(CollectionSpec.DEFAULT_DENSE_NAME);
        VectorParams prefix = vectors.get(MatryoshkaPrefix.VECTOR_NAME);
        int prefixSize = prefix == null ? 0 : (int) prefix.getSize();
        if (dense == null) {
            return new DenseLayout(ModelOptions.truncateDim(conf), prefixSize);
        }
        return new DenseLayout(truncation(conf, collection, (int) dense.getSize()), prefixSize);
    }

    private static int truncation(Configuration conf, String collection, int stored) {
        int modelDim =
                SentenceTransformerConfig.load(ModelLocator.resolve(conf.get(ModelOptions.DENSE)))
                        .embeddingDimension();
        int asked = ModelOptions.truncateDim(conf);
        if (asked > 0 && asked != stored) {
            throw new ConfigException(
                    ModelOptions.TRUNCATE_DIM.key()
                            + " is "
                            + asked
                            + " but collection "
                            + collection
                            + " stores "
                            + stored
                            + "-dimension dense vectors; set it to "
                            + stored
                            + (stored == modelDim ? " or leave it unset" : ""));
        }
        if (stored > modelDim) {
            throw new ConfigException(
                    "collection "
                            + collection
                            + " stores "
                            + stored
                            + "-dimension dense vectors, but "
                            + ModelOptions.DENSE.key()
                            + " "
                            + conf.get(ModelOptions.DENSE)
                            + " gives "
                            + modelDim);
        }
        if (asked == 0 && stored < modelDim) {
            LOG.info(
                    "Collection {} stores {} of the model's {} dimensions: queries are truncated"
                            + " alike ({} follows the collection)",
                    collection,
                    stored,
                    modelDim,
                    ModelOptions.TRUNCATE_DIM.key());
            return stored;
        }
        return asked;
    }
}
