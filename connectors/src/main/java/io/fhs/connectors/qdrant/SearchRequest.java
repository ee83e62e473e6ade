package io.fhs.connectors.qdrant;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

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
 * @param readConsistency replicas asked in a replicated collection (null: Qdrant's default, one)
 * @param emptyFields payload fields that must be missing, null or [] on a hit (Qdrant's is_empty),
 *     e.g. {@code duplicate_of} to leave out chunks marked as near-duplicates
 * @param mmr maximal marginal relevance of the dense search (null: plain nearest neighbours)
 * @param twoStage the dense search prefetches with a Matryoshka prefix vector first (null: none)
 */
@PublicEvolving
public record SearchRequest(
        float[] dense,
        SparseValues sparse,
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
        double oversampling,
        ReadConsistency readConsistency,
        List<String> emptyFields,
        Mmr mmr,
        TwoStage twoStage) {

    public static final int DEFAULT_RRF_K = 60;

    /**
     * Qdrant's maximal marginal relevance (1.15+): of the {@code candidates} nearest points, pick
     * one after the other the point that best trades similarity to the query against similarity to
     * the points already picked.
     *
     * @param diversity 0 ranks by relevance alone, 1 by diversity alone
     * @param candidates nearest points MMR chooses from (at least the search's limit)
     */
    public record Mmr(double diversity, int candidates) implements Serializable {
        private static final long serialVersionUID = 1L;

        public Mmr {
            if (!(diversity >= 0 && diversity <= 1)) {
                throw new IllegalArgumentException(
                        "MMR diversity must be from 0 to 1, got " + diversity);
            }
            if (candidates < 1) {
                throw new IllegalArgumentException(
                        "MMR candidates must be >= 1, got " + candidates);
            }
        }
    }

    /**
     * A two-stage dense search: the {@code candidates} nearest points by the named vector holding
     * the first {@code dimension} dimensions of the dense vector (normalized), rescored by the full
     * vector.
     *
     * @param vectorName the small named vector, e.g. {@code dense_small}
     * @param dimension its size: the query's prefix that is searched with it
     * @param candidates points the small vector prefetches (at least the search's limit)
     */
    public record TwoStage(String vectorName, int dimension, int candidates)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public TwoStage {
            Objects.requireNonNull(vectorName, "vectorName");
            if (dimension < 1 || candidates < 1) {
                throw new IllegalArgumentException(
                        "two-stage dimension and candidates must be >= 1, got "
                                + dimension
                                + " and "
                                + candidates);
            }
        }
    }

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
        if (mmr != null && mode != Mode.DENSE) {
            // Measured on Qdrant 1.16.3: an MMR query inside a prefetch ranks as plain nearest.
            throw new IllegalArgumentException(
                    "MMR applies to dense searches only; Qdrant ignores it in the prefetches of a "
                            + mode
                            + " search");
        }
        if (twoStage != null && mode == Mode.SPARSE) {
            throw new IllegalArgumentException("a sparse search has no dense stage to split");
        }
        if (twoStage != null && dense != null && twoStage.dimension() > dense.length) {
            throw new IllegalArgumentException(
                    "two-stage prefix of "
                            + twoStage.dimension()
                            + " dimensions exceeds the query's "
                            + dense.length);
        }
        filter = filter == null ? Map.of() : Map.copyOf(filter);
        emptyFields = emptyFields == null ? List.of() : List.copyOf(emptyFields);
    }

    public static SearchRequest dense(float[] vector, int limit) {
        return new Copy(vector, null, Mode.DENSE, limit, limit).build();
    }

    public static SearchRequest sparse(SparseValues vector, int limit) {
        return new Copy(null, vector, Mode.SPARSE, limit, limit).build();
    }

    public static SearchRequest hybrid(
            float[] dense, SparseValues sparse, int limit, int candidates) {
        return new Copy(dense, sparse, Mode.HYBRID, limit, candidates).build();
    }

    /**
     * This search for {@code n} hits; a hybrid search's prefetches go at least as deep, since its
     * fused list can hold no more points than they find.
     */
    public SearchRequest withLimit(int n) {
        Copy c = new Copy(this);
        c.limit = n;
        c.candidateLimit = mode == Mode.HYBRID ? Math.max(candidateLimit, n) : n;
        // MMR and a first stage choose from their candidates: never fewer than the hits now asked.
        if (mmr != null && mmr.candidates() < n) {
            c.mmr = new Mmr(mmr.diversity(), n);
        }
        if (twoStage != null && twoStage.candidates() < c.candidateLimit) {
            c.twoStage =
                    new TwoStage(twoStage.vectorName(), twoStage.dimension(), c.candidateLimit);
        }
        return c.build();
    }

    public SearchRequest withFusion(Fusion f, int k) {
        Copy c = new Copy(this);
        c.fusion = f;
        c.rrfK = k;
        return c.build();
    }

    public SearchRequest withExact(boolean e) {
        Copy c = new Copy(this);
        c.exact = e;
        return c.build();
    }

    public SearchRequest withFilter(Map<String, String> f) {
        Copy c = new Copy(this);
        c.filter = f;
        return c.build();
    }

    public SearchRequest withPayloadFields(List<String> fields) {
        Copy c = new Copy(this);
        c.payloadFields = fields;
        return c.build();
    }

    public SearchRequest withSearchParams(int ef, Boolean rescoreQuantized, double oversample) {
        Copy c = new Copy(this);
        c.hnswEf = ef;
        c.rescore = rescoreQuantized;
        c.oversampling = oversample;
        return c.build();
    }

    public SearchRequest withReadConsistency(ReadConsistency consistency) {
        Copy c = new Copy(this);
        c.readConsistency = consistency;
        return c.build();
    }

    /** This search, leaving out points whose payload has any of {@code fields} (not empty). */
    public SearchRequest withEmptyFields(List<String> fields) {
        Copy c = new Copy(this);
        c.emptyFields = fields;
        return c.build();
    }

    /** This search with its dense part ranked by MMR ({@code null}: plain nearest neighbours). */
    public SearchRequest withMmr(Mmr m) {
        Copy c = new Copy(this);
        c.mmr = m;
        return c.build();
    }

    /** This search with its dense part in two stages ({@code null}: one stage). */
    public SearchRequest withTwoStage(TwoStage t) {
        Copy c = new Copy(this);
        c.twoStage = t;
        return c.build();
    }

    /** A mutable copy, so that each {@code with} method names only what it changes. */
    private static final class Copy {
        final float[] dense;
        final SparseValues sparse;
        final Mode mode;
        int limit;
        int candidateLimit;
        Fusion fusion = Fusion.RRF;
        int rrfK = DEFAULT_RRF_K;
        Map<String, String> filter = Map.of();
        List<String> payloadFields;
        int hnswEf;
        boolean exact;
        Boolean rescore;
        double oversampling;
        ReadConsistency readConsistency;
        List<String> emptyFields = List.of();
        Mmr mmr;
        TwoStage twoStage;

        Copy(float[] dense, SparseValues sparse, Mode mode, int limit, int candidateLimit) {
            this.dense = dense;
            this.sparse = sparse;
            this.mode = mode;
            this.limit = limit;
            this.candidateLimit = candidateLimit;
        }

        Copy(SearchRequest r) {
            this(r.dense, r.sparse, r.mode, r.limit, r.candidateLimit);
            fusion = r.fusion;
            rrfK = r.rrfK;
            filter = r.filter;
            payloadFields = r.payloadFields;
            hnswEf = r.hnswEf;
            exact = r.exact;
            rescore = r.rescore;
            oversampling = r.oversampling;
            readConsistency = r.readConsistency;
            emptyFields = r.emptyFields;
            mmr = r.mmr;
            twoStage = r.twoStage;
        }

        SearchRequest build() {
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
                    exact,
                    rescore,
                    oversampling,
                    readConsistency,
                    emptyFields,
                    mmr,
                    twoStage);
        }
    }
}
