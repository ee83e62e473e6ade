package io.fhs.jobs.ingest;

import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.jobs.collection.StoredModels;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.SentenceTransformerConfig;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.similarity.SimilarityFunction;
import io.fhs.operators.sparse.SparseEncoders;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
        return prepareBehindAlias(conf, calibrationTexts).quantization();
    }

    /**
     * As {@link #prepare(Configuration)}, returning {@code conf} with {@code qdrant.collection} set
     * to the physical collection behind the alias: what the job graph should be built with, so that
     * it keeps writing that collection (and reading its reindex marker) after a reindex switched
     * the alias, across restarts too.
     */
    public static Configuration prepareWriting(Configuration conf) {
        return writing(
                conf,
                prepareBehindAlias(conf, () -> CalibrationSample.fromTopic(conf)).collection());
    }

    /** A prepared physical collection and its quantization. */
    public record Prepared(String collection, VectorQuantization quantization) {}

    /**
     * Prepares the collection behind the alias {@code qdrant.collection} (see {@link #prepare}).
     */
    public static Prepared prepareBehindAlias(
            Configuration conf, Supplier<List<String>> calibrationTexts) {
        IngestOptions.sanityCheck(conf);
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            CollectionSpec spec = spec(conf);
            String physical =
                    CollectionBootstrap.ensureBehindAlias(client, spec, physicalName(conf, spec));
            return new Prepared(
                    physical, preparePhysical(client, writing(conf, physical), calibrationTexts));
        }
    }

    /**
     * Prepares the physical collection {@code conf} names (created already): checks or records its
     * models, settles its quantization.
     */
    public static VectorQuantization preparePhysical(
            QdrantClient client, Configuration conf, Supplier<List<String>> calibrationTexts) {
        String physical = conf.get(QdrantOptions.COLLECTION);
        StoredModels wanted = StoredModels.of(conf);
        Optional<StoredModels> stored = StoredModels.read(client, physical);
        if (stored.isEmpty()) {
            StoredModels.write(client, physical, wanted);
        } else if (!stored.get().sameEncoders(wanted)) {
            throw new ConfigException(
                    "Collection "
                            + physical
                            + " holds points of "
                            + stored.get()
                            + " but the job is configured with "
                            + wanted
                            + " ("
                            + ModelOptions.DENSE.key()
                            + ", "
                            + ModelOptions.SPARSE.key()
                            + ", "
                            + ModelOptions.BM25_AVG_LEN.key()
                            + "): configure the stored models, or move to the new ones with"
                            + " bin/fhs reindex");
        }
        return QuantizationSetup.prepare(client, conf, calibrationTexts);
    }

    /**
     * The physical collection the ingest job writes: the one behind the alias {@code
     * qdrant.collection} (or that collection itself when it is a plain one). Resolved once when the
     * job graph is built, so that an alias switched by a reindex never sends this job's vectors to
     * a collection of another model.
     */
    public static String physical(Configuration conf) {
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            return CollectionAliases.physical(client, conf.get(QdrantOptions.COLLECTION));
        }
    }

    /** {@code conf} writing the physical collection {@code physical}. */
    public static Configuration writing(Configuration conf, String physical) {
        Configuration out = new Configuration(conf);
        out.set(QdrantOptions.COLLECTION, physical);
        return out;
    }

    /**
     * The physical collection a new alias {@code qdrant.collection} gets: {@code
     * <alias>-<model>-<hash>}, the hash over the models and the vectors' schema, so that another
     * model or schema gets another collection.
     */
    public static String physicalName(Configuration conf, CollectionSpec spec) {
        StoredModels models = StoredModels.of(conf);
        String schema =
                String.join(
                        "|",
                        models.toJson(),
                        Integer.toString(spec.dimension()),
                        spec.distance().name(),
                        spec.datatype().name(),
                        spec.quantization().name(),
                        String.valueOf(spec.sparseName()),
                        Boolean.toString(spec.sparseIdf()),
                        conf.get(IngestOptions.CLIENT_QUANTIZATION).name());
        return spec.name() + "-" + shortName(models.dense()) + "-" + hash(schema);
    }

    // The model's last path element (a directory or a bundled name), in collection-name characters.
    static String shortName(String model) {
        String last = Path.of(model).getFileName().toString().toLowerCase(Locale.ROOT);
        return last.replaceAll("[^a-z0-9._]+", "-");
    }

    private static String hash(String s) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
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
