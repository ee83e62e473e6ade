package io.fhs.connectors.qdrant;

import io.fhs.operators.sparse.SparseVector;
import java.util.List;
import java.util.Map;

/**
 * One search: dense-only, sparse-only or hybrid (one prefetch per vector, then fusion).
 *
 * @param dense the query's dense vector (dense and hybrid modes)
 * @param sparse the query's sparse vector (sparse and hybrid modes)
 * @param mode which vectors to search
 * @param limit hits returned
 * @param candidateLimit hits each prefetch contributes to the fusion (hybrid)
 * @param fusion how hybrid merges its prefetches
 * @param rrfK the RRF constant: score = sum of 1 / (k + rank), rank from 1
 * @param filter payload fields that must equal the given values (keyword match)
 * @param payloadFields payload fields to return; null for all, empty for none
 * @param hnswEf HNSW search candidate list size; 0 for the collection's default
 * @param exact brute-force search instead of HNSW
 * @param rescore rescore quantized candidates with the original vectors (null: server default)
 * @param oversampling fetch this many times more quantized candidates before rescoring (0: none)
 */
public record SearchRequest(
        float[] dense,
        SparseVector sparse,
        Mode mode,
        int limit,
        int candidateLimit,
        Fusion fusion,
        int rrfK,
        Map<String, String> filter,
        List<String> payloadFields,
        int hnswEf,
        boolean exact,
        Boolean rescore,
        double oversampling) {

    public static final int DEFAULT_RRF_K = 60;

    /** Which vectors a search uses. */
    public enum Mode {
        DENSE,
        SPARSE,
        HYBRID
    }

    /** Server-side fusion of hybrid prefetches. */
    public enum Fusion {
        RRF,
        DBSF
    }

    public SearchRequest {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        if ((mode != Mode.SPARSE) && dense == null) {
            throw new IllegalArgumentException(mode + " search needs a dense query vector");
        }
        if ((mode != Mode.DENSE) && sparse == null) {
            throw new IllegalArgumentException(mode + " search needs a sparse query vector");
        }
        if (mode == Mode.HYBRID && candidateLimit < limit) {
            throw new IllegalArgumentException(
                    "candidateLimit (" + candidateLimit + ") must be >= limit (" + limit + ")");
        }
        if (rrfK < 1) {
            throw new IllegalArgumentException("rrfK must be >= 1, got " + rrfK);
        }
        filter = filter == null ? Map.of() : Map.copyOf(filter);
    }

    public static SearchRequest dense(float[] vector, int limit) {
        return new SearchRequest(
                vector,
                null,
                Mode.DENSE,
                limit,
                limit,
                Fusion.RRF,
                DEFAULT_RRF_K,
                Map.of(),
                null,
                0,
                false,
                null,
                0);
    }

    public static SearchRequest sparse(SparseVector vector, int limit) {
        return new SearchRequest(
                null,
                vector,
                Mode.SPARSE,
                limit,
                limit,
                Fusion.RRF,
                DEFAULT_RRF_K,
                Map.of(),
                null,
                0,
                false,
                null,
                0);
    }

    public static SearchRequest hybrid(
            float[] dense, SparseVector sparse, int limit, int candidates) {
        return new SearchRequest(
                dense,
                sparse,
                Mode.HYBRID,
                limit,
                candidates,
                Fusion.RRF,
                DEFAULT_RRF_K,
                Map.of(),
                null,
                0,
                false,
                null,
                0);
    }

    public SearchRequest withFusion(Fusion f, int k) {
        return new SearchRequest(
                dense,
                sparse,
                mode,
                limit,
                candidateLimit,
                f,
                k,
                filter,
                payloadFields,
                hnswEf,
                exact,
                rescore,
                oversampling);
    }

    public SearchRequest withExact(boolean e) {
        return new SearchRequest(
                dense,
                sparse,
                mode,
                limit,
                candidateLimit,
                fusion,
                rrfK,
                filter,
                payloadFields,
                hnswEf,
                e,
                rescore,
                oversampling);
    }

    public SearchRequest withFilter(Map<String, String> f) {
        return new SearchRequest(
                dense,
                sparse,
                mode,
                limit,
                candidateLimit,
                fusion,
                rrfK,
                f,
                payloadFields,
                hnswEf,
                exact,
                rescore,
                oversampling);
    }

    public SearchRequest withPayloadFields(List<String> fields) {
        return new SearchRequest(
                dense,
                sparse,
                mode,
                limit,
                candidateLimit,
                fusion,
                rrfK,
                filter,
                fields,
                hnswEf,
                exact,
                rescore,
                oversampling);
    }

    public SearchRequest withSearchParams(int ef, Boolean rescoreQuantized, double oversample) {
        return new SearchRequest(
                dense,
                sparse,
                mode,
                limit,
                candidateLimit,
                fusion,
                rrfK,
                filter,
                payloadFields,
                ef,
                exact,
                rescoreQuantized,
                oversample);
    }
}
