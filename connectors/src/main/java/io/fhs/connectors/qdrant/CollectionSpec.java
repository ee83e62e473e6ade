package io.fhs.connectors.qdrant;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The collection the jobs write and search: a named dense vector, an optional named sparse vector,
 * server-side quantization and payload indexes.
 *
 * @param name collection name
 * @param denseName name of the dense vector, e.g. {@code dense}
 * @param dimension dense vector size, taken from the model
 * @param distance distance matching the model's similarity function
 * @param datatype stored element type of the dense vector
 * @param onDisk keep the dense vectors on disk (memory-mapped)
 * @param hnswM HNSW graph degree
 * @param hnswEfConstruct HNSW build-time candidate list size
 * @param quantization server-side quantization of the dense vector
 * @param quantizationAlwaysRam keep quantized vectors in RAM even when originals are on disk
 * @param sparseName name of the sparse vector, or null for dense-only collections
 * @param sparseIdf let Qdrant apply IDF to the sparse vector (for BM25)
 * @param keywordIndexes payload fields to index as keywords ({@code doc_id} is always indexed)
 * @param distribution shards and replicas across the nodes of a Qdrant cluster
 * @param prefixDimension size of the Matryoshka prefix vector ({@link MatryoshkaPrefix}) stored
 *     beside the dense one for two-stage search; 0 for none
 */
@PublicEvolving
public record CollectionSpec(
        String name,
        String denseName,
        int dimension,
        Distance distance,
        Datatype datatype,
        boolean onDisk,
        int hnswM,
        int hnswEfConstruct,
        Quantization quantization,
        boolean quantizationAlwaysRam,
        String sparseName,
        boolean sparseIdf,
        List<String> keywordIndexes,
        Distribution distribution,
        int prefixDimension)
        implements Serializable {

    public static final String DEFAULT_DENSE_NAME = "dense";
    public static final String DEFAULT_SPARSE_NAME = "sparse";
    public static final int DEFAULT_HNSW_M = 16;
    public static final int DEFAULT_HNSW_EF_CONSTRUCT = 100;

    /** Qdrant distances; sentence-transformers' similarity functions map onto them. */
    public enum Distance {
        COSINE,
        DOT,
        EUCLID,
        MANHATTAN;

        /** The distance for a sentence-transformers {@code similarity_fn_name}. */
        public static Distance forSimilarity(String similarity) {
            switch (similarity) {
                case "cosine":
                    return COSINE;
                case "dot":
                    return DOT;
                case "euclidean":
                    return EUCLID;
                case "manhattan":
                    return MANHATTAN;
                default:
                    throw new IllegalArgumentException(
                            "No Qdrant distance for similarity " + similarity);
            }
        }
    }

    /** Element type of stored dense vectors. */
    public enum Datatype {
        FLOAT32,
        /** Half precision: exact for the +-1 vectors of client-side binary quantization. */
        FLOAT16,
        UINT8
    }

    /** Server-side quantization. */
    public enum Quantization {
        NONE,
        SCALAR,
        BINARY
    }

    /**
     * How a collection spreads over a Qdrant cluster: its shards, the copies of each, and how many
     * copies must apply a write before Qdrant acknowledges it.
     *
     * @param shards shards of the collection
     * @param replicationFactor copies of each shard, on different nodes
     * @param writeConsistencyFactor copies that must apply a write, at most {@code
     *     replicationFactor}
     */
    public record Distribution(int shards, int replicationFactor, int writeConsistencyFactor)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** One shard, one copy: a single node. */
        public static final Distribution SINGLE = new Distribution(1, 1, 1);

        public Distribution {
            if (shards < 1 || replicationFactor < 1 || writeConsistencyFactor < 1) {
                throw new IllegalArgumentException(
                        "shards, replication factor and write consistency factor must be >= 1,"
                                + " got "
                                + shards
                                + ", "
                                + replicationFactor
                                + ", "
                                + writeConsistencyFactor);
            }
            if (writeConsistencyFactor > replicationFactor) {
                throw new IllegalArgumentException(
                        "write consistency factor "
                                + writeConsistencyFactor
                                + " exceeds the replication factor "
                                + replicationFactor);
            }
        }
    }

    public CollectionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(denseName, "denseName");
        if (dimension < 1) {
            throw new IllegalArgumentException("dense dimension must be >= 1, got " + dimension);
        }
        keywordIndexes = List.copyOf(keywordIndexes);
        Objects.requireNonNull(distribution, "distribution");
        if (prefixDimension < 0 || prefixDimension > dimension) {
            throw new IllegalArgumentException(
                    "Matryoshka prefix dimension must be from 0 to the dense dimension "
                            + dimension
                            + ", got "
                            + prefixDimension);
        }
    }

    /** A collection without a Matryoshka prefix vector. */
    public CollectionSpec(
            String name,
            String denseName,
            int dimension,
            Distance distance,
            Datatype datatype,
            boolean onDisk,
            int hnswM,
            int hnswEfConstruct,
            Quantization quantization,
            boolean quantizationAlwaysRam,
            String sparseName,
            boolean sparseIdf,
            List<String> keywordIndexes,
            Distribution distribution) {
        this(
                name,
                denseName,
                dimension,
                distance,
                datatype,
                onDisk,
                hnswM,
                hnswEfConstruct,
                quantization,
                quantizationAlwaysRam,
                sparseName,
                sparseIdf,
                keywordIndexes,
                distribution,
                0);
    }

    /** A cosine float32 collection with a sparse vector, HNSW defaults and no quantization. */
    public static CollectionSpec hybrid(String name, int dimension, boolean sparseIdf) {
        return new CollectionSpec(
                name,
                DEFAULT_DENSE_NAME,
                dimension,
                Distance.COSINE,
                Datatype.FLOAT32,
                false,
                DEFAULT_HNSW_M,
                DEFAULT_HNSW_EF_CONSTRUCT,
                Quantization.NONE,
                false,
                DEFAULT_SPARSE_NAME,
                sparseIdf,
                List.of(),
                Distribution.SINGLE);
    }

    /** This spec for a collection of another name (the physical collection behind an alias). */
    public CollectionSpec withName(String collection) {
        Copy c = new Copy(this);
        c.name = collection;
        return c.build();
    }

    public CollectionSpec withDistance(Distance d) {
        Copy c = new Copy(this);
        c.distance = d;
        return c.build();
    }

    public CollectionSpec withDatatype(Datatype t) {
        Copy c = new Copy(this);
        c.datatype = t;
        return c.build();
    }

    public CollectionSpec withQuantization(Quantization q, boolean alwaysRam) {
        Copy c = new Copy(this);
        c.quantization = q;
        c.quantizationAlwaysRam = alwaysRam;
        return c.build();
    }

    public CollectionSpec withoutSparse() {
        Copy c = new Copy(this);
        c.sparseName = null;
        c.sparseIdf = false;
        return c.build();
    }

    public CollectionSpec withKeywordIndexes(List<String> fields) {
        Copy c = new Copy(this);
        c.keywordIndexes = fields;
        return c.build();
    }

    public CollectionSpec withDistribution(Distribution d) {
        Copy c = new Copy(this);
        c.distribution = d;
        return c.build();
    }

    /** This collection with a Matryoshka prefix vector of {@code dimension} (0: none). */
    public CollectionSpec withPrefixDimension(int dimension) {
        Copy c = new Copy(this);
        c.prefixDimension = dimension;
        return c.build();
    }

    /** A mutable copy, so that each {@code with} method names only what it changes. */
    private static final class Copy {
        String name;
        final String denseName;
        final int dimension;
        Distance distance;
        Datatype datatype;
        final boolean onDisk;
        final int hnswM;
        final int hnswEfConstruct;
        Quantization quantization;
        boolean quantizationAlwaysRam;
        String sparseName;
        boolean sparseIdf;
        List<String> keywordIndexes;
        Distribution distribution;
        int prefixDimension;

        Copy(CollectionSpec s) {
            name = s.name;
            denseName = s.denseName;
            dimension = s.dimension;
            distance = s.distance;
            datatype = s.datatype;
            onDisk = s.onDisk;
            hnswM = s.hnswM;
            hnswEfConstruct = s.hnswEfConstruct;
            quantization = s.quantization;
            quantizationAlwaysRam = s.quantizationAlwaysRam;
            sparseName = s.sparseName;
            sparseIdf = s.sparseIdf;
            keywordIndexes = s.keywordIndexes;
            distribution = s.distribution;
            prefixDimension = s.prefixDimension;
        }

        CollectionSpec build() {
            return new CollectionSpec(
                    name,
                    denseName,
                    dimension,
                    distance,
                    datatype,
                    onDisk,
                    hnswM,
                    hnswEfConstruct,
                    quantization,
                    quantizationAlwaysRam,
                    sparseName,
                    sparseIdf,
                    keywordIndexes,
                    distribution,
                    prefixDimension);
        }
    }

    public boolean hasSparse() {
        return sparseName != null;
    }
}
