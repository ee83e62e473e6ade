package io.fhs.jobs.ingest;

import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.SentenceTransformerConfig;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.similarity.SimilarityFunction;
import io.fhs.operators.sparse.SparseEncoders;
import io.qdrant.client.QdrantClient;
import java.util.List;
import java.util.function.Supplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;

/**
 * The collection the ingest job writes: its vectors, distance, stored type and server-side index
 * follow from the models and the options; {@link #prepare} creates or checks it before a job runs.
 */
@Internal
public final class CollectionLayout {
    private CollectionLayout() {}

    /** The collection the job writes, from the models and options. */
    public static CollectionSpec spec(Configuration conf) {
        boolean hasSparse = ModelOptions.hasSparse(conf);
        VectorQuantization.Mode stored = conf.get(IngestOptions.CLIENT_QUANTIZATION);
        // The configuration says the dimension and similarity: no need to load the ONNX graph.
        SentenceTransformerConfig dense =
                SentenceTransformerConfig.load(ModelLocator.resolve(conf.get(ModelOptions.DENSE)));
        int dimension = dimension(conf, dense.embeddingDimension());
        return new CollectionSpec(
                conf.get(QdrantOptions.COLLECTION),
                CollectionSpec.DEFAULT_DENSE_NAME,
                dimension,
                distance(stored, dense.similarity()),
                datatype(stored),
                conf.get(QdrantOptions.ON_DISK),
                conf.get(QdrantOptions.HNSW_M),
                conf.get(QdrantOptions.HNSW_EF_CONSTRUCT),
                // Binary vectors are searched through Qdrant's binary quantization.
                stored == VectorQuantization.Mode.BINARY
                        ? CollectionSpec.Quantization.BINARY
                        : conf.get(QdrantOptions.SERVER_QUANTIZATION),
                conf.get(QdrantOptions.SERVER_QUANTIZATION_ALWAYS_RAM),
                hasSparse ? CollectionSpec.DEFAULT_SPARSE_NAME : null,
                hasSparse && SparseEncoders.BM25.equalsIgnoreCase(conf.get(ModelOptions.SPARSE)),
                conf.get(QdrantOptions.PAYLOAD_INDEXES),
                QdrantOptions.distribution(conf),
                prefixDimension(conf, dimension, stored));
    }

    /** The dense vectors' size: the model's, or model.truncate-dim. */
    private static int dimension(Configuration conf, int modelDim) {
        int truncate = ModelOptions.truncateDim(conf);
        if (truncate > modelDim) {
            throw new ConfigException(
                    ModelOptions.TRUNCATE_DIM.key()
                            + " is "
                            + truncate
                            + " but "
                            + conf.get(ModelOptions.DENSE)
                            + " has only "
                            + modelDim
                            + " dimensions");
        }
        return truncate == 0 ? modelDim : truncate;
    }

    /** The Matryoshka prefix vector's size (0: none), below the dense vectors' own. */
    private static int prefixDimension(
            Configuration conf, int dimension, VectorQuantization.Mode stored) {
        int prefix = QdrantOptions.matryoshkaDim(conf);
        if (prefix == 0) {
            return 0;
        }
        if (prefix >= dimension) {
            throw new ConfigException(
                    QdrantOptions.MATRYOSHKA_DIM.key()
                            + " is "
                            + prefix
                            + " but the dense vectors have "
                            + dimension
                            + " dimensions: the prefix must be shorter");
        }
        if (stored != VectorQuantization.Mode.NONE) {
            // The prefix is cut from the vector the sink writes, which is then already quantized.
            throw new ConfigException(
                    QdrantOptions.MATRYOSHKA_DIM.key()
                            + " needs "
                            + IngestOptions.CLIENT_QUANTIZATION.key()
                            + " NONE, got "
                            + stored);
        }
        return prefix;
    }

    /**
     * Creates or checks the collection and settles its quantization (int8 calibrates on the first
     * documents of the topic); call once before the job starts.
     */
    public static VectorQuantization prepare(Configuration conf) {
        return prepare(conf, () -> CalibrationSample.fromTopic(conf));
    }

    /** As {@link #prepare(Configuration)}, with int8 calibration texts from elsewhere. */
    public static VectorQuantization prepare(
            Configuration conf, Supplier<List<String>> calibrationTexts) {
        IngestOptions.sanityCheck(conf);
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            CollectionBootstrap.ensure(client, spec(conf));
            return QuantizationSetup.prepare(client, conf, calibrationTexts);
        }
    }

    private static CollectionSpec.Distance distance(
            VectorQuantization.Mode stored, SimilarityFunction similarity) {
        return switch (stored) {
            case NONE -> CollectionSpec.Distance.forSimilarity(similarity.stName());
            // The per-dimension shift of int8 codes breaks dot products, not distances.
            case INT8 -> CollectionSpec.Distance.EUCLID;
            // Float query . (+-1): sentence-transformers' rescoring of binary embeddings.
            case BINARY -> CollectionSpec.Distance.DOT;
        };
    }

    private static CollectionSpec.Datatype datatype(VectorQuantization.Mode stored) {
        return switch (stored) {
            case NONE -> CollectionSpec.Datatype.FLOAT32;
            case INT8 -> CollectionSpec.Datatype.UINT8;
            case BINARY -> CollectionSpec.Datatype.FLOAT16;
        };
    }
}
