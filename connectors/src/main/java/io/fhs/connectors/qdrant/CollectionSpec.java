package io.fhs.connectors.qdrant;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

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
 */
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
        List<String> keywordIndexes)
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

    public CollectionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(denseName, "denseName");
        if (dimension < 1) {
            throw new IllegalArgumentException("dense dimension must be >= 1, got " + dimension);
        }
        keywordIndexes = List.copyOf(keywordIndexes);
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
                List.of());
    }

    public CollectionSpec withDistance(Distance d) {
        return new CollectionSpec(
                name,
                denseName,
                dimension,
                d,
                datatype,
                onDisk,
                hnswM,
                hnswEfConstruct,
                quantization,
                quantizationAlwaysRam,
                sparseName,
                sparseIdf,
                keywordIndexes);
    }

    public CollectionSpec withDatatype(Datatype t) {
        return new CollectionSpec(
                name,
                denseName,
                dimension,
                distance,
                t,
                onDisk,
                hnswM,
                hnswEfConstruct,
                quantization,
                quantizationAlwaysRam,
                sparseName,
                sparseIdf,
                keywordIndexes);
    }

    public CollectionSpec withQuantization(Quantization q, boolean alwaysRam) {
        return new CollectionSpec(
                name,
                denseName,
                dimension,
                distance,
                datatype,
                onDisk,
                hnswM,
                hnswEfConstruct,
                q,
                alwaysRam,
                sparseName,
                sparseIdf,
                keywordIndexes);
    }

    public CollectionSpec withoutSparse() {
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
                null,
                false,
                keywordIndexes);
    }

    public CollectionSpec withKeywordIndexes(List<String> fields) {
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
                fields);
    }

    public boolean hasSparse() {
        return sparseName != null;
    }
}
