package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.ReadConsistency;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.collection.DenseLayout;
import io.fhs.jobs.collection.StoredModels;
import io.fhs.jobs.collection.StoredQuantization;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the query core ({@link QueryCore}) and its stages need, read once from the options:
 * the one settings type of the query job, {@code fhs search}, {@code fhs serve}, {@code fhs eval}
 * and {@code --sample-query}. Serializable, so the Flink operators carry it to the task managers
 * and open their stage from it there. Evaluation varies its {@link Ranking} through {@link
 * #ranking(Ranking, int, Duration)}, not through a configuration of its own.
 *
 * @param rerankModel cross-encoder directory or name; null when none is configured
 * @param quantization the query form of the collection's stored quantization
 * @param readConsistency replicas each search asks in a replicated collection
 * @param cacheSize query texts whose encodings are kept (0: none)
 * @param collapseDuplicates leave out chunks marked {@code duplicate_of} by the ingest job
 * @param truncateDim dimensions the query encoder keeps ({@code model.truncate-dim}, or what the
 *     collection stores); 0 for all
 * @param mmr MMR of dense searches; null for plain nearest neighbours
 * @param prefixDimension size of the collection's Matryoshka prefix vector; 0 for none
 * @param matryoshkaCandidates candidates of a two-stage dense search; 0 for one stage
 * @param encodeThreads ONNX Runtime intra-op threads of the query encoders; 0 for all cores
 * @param encodeWorkers query batches encoded at once
 * @param rerankThreads ONNX Runtime intra-op threads of the cross-encoder; 0 for all cores
 */
@PublicEvolving
public record QuerySettings(
        String collection,
        String denseModel,
        String sparseModel,
        double bm25AvgLen,
        String rerankModel,
        VectorQuantization quantization,
        int topK,
        SearchRequest.Mode mode,
        boolean rerank,
        int candidates,
        SearchRequest.Fusion fusion,
        int rrfK,
        double denseWeight,
        double sparseWeight,
        boolean clientFusion,
        boolean exact,
        boolean collapse,
        int groupSize,
        boolean returnText,
        int rerankTopN,
        Duration deadline,
        int batchSize,
        Duration maxWait,
        int capacity,
        ReadConsistency readConsistency,
        int cacheSize,
        boolean collapseDuplicates,
        int truncateDim,
        SearchRequest.Mmr mmr,
        int prefixDimension,
        int matryoshkaCandidates,
        int encodeThreads,
        int encodeWorkers,
        int rerankThreads)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(QuerySettings.class);

    public QuerySettings {
        if (quantization.mode() == VectorQuantization.Mode.INT8
                && fusion == SearchRequest.Fusion.DBSF) {
            // Measured on CACM: hybrid NDCG@10 0.25 with DBSF against 0.54 with RRF.
            throw new IllegalArgumentException(
                    QueryOptions.FUSION.key()
                            + " DBSF misranks int8 collections, whose Euclid distances it"
                            + " normalises the wrong way up; use RRF");
        }
        if (matryoshkaCandidates > 0 && prefixDimension == 0) {
            throw new IllegalArgumentException(
                    QueryOptions.MATRYOSHKA_CANDIDATES.key()
                            + " asks for a two-stage search, but collection "
                            + collection
                            + " stores no Matryoshka prefix vector (ingest with "
                            + QdrantOptions.MATRYOSHKA_DIM.key()
                            + ")");
        }
    }

    /**
     * How searches rank: what evaluation varies from row to row over one collection and one set of
     * encoded queries.
     *
     * @param mode the mode of the queries that give none
     * @param exact dense search without the HNSW index
     * @param clientFusion hybrid RRF fused here from a dense and a sparse list
     * @param mmr MMR of dense searches (null: none)
     * @param matryoshkaCandidates candidates of a two-stage dense search (0: one stage)
     */
    public record Ranking(
            SearchRequest.Mode mode,
            boolean exact,
            SearchRequest.Fusion fusion,
            int rrfK,
            boolean clientFusion,
            double denseWeight,
            double sparseWeight,
            SearchRequest.Mmr mmr,
            int matryoshkaCandidates)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** A ranking without MMR, in one stage. */
        public Ranking(
                SearchRequest.Mode mode,
                boolean exact,
                SearchRequest.Fusion fusion,
                int rrfK,
                boolean clientFusion,
                double denseWeight,
                double sparseWeight) {
            this(mode, exact, fusion, rrfK, clientFusion, denseWeight, sparseWeight, null, 0);
        }

        /** This ranking with dense searches ranked by {@code m} (null: plain). */
        public Ranking withMmr(SearchRequest.Mmr m) {
            return new Ranking(
                    mode,
                    exact,
                    fusion,
                    rrfK,
                    clientFusion,
                    denseWeight,
                    sparseWeight,
                    m,
                    matryoshkaCandidates);
        }

        /** This ranking with dense searches in two stages of {@code candidates} (0: one). */
        public Ranking withMatryoshka(int candidates) {
            return new Ranking(
                    mode,
                    exact,
                    fusion,
                    rrfK,
                    clientFusion,
                    denseWeight,
                    sparseWeight,
                    mmr,
                    candidates);
        }

        /** Server-side fusion (RRF with equal weights, or DBSF). */
        public Ranking(
                SearchRequest.Mode mode, boolean exact, SearchRequest.Fusion fusion, int rrfK) {
            this(mode, exact, fusion, rrfK, false, 1.0, 1.0);
        }

        /** Hybrid RRF with weights, fused on the client over the two lists Qdrant returns. */
        public static Ranking clientRrf(int rrfK, double denseWeight, double sparseWeight) {
            return new Ranking(
                    SearchRequest.Mode.HYBRID,
                    false,
                    SearchRequest.Fusion.RRF,
                    rrfK,
                    true,
                    denseWeight,
                    sparseWeight);
        }

        /** Whether this is hybrid RRF fused on the client. */
        public boolean weighted() {
            return mode == SearchRequest.Mode.HYBRID && clientFusion;
        }
    }

    /**
     * The settings {@code conf} gives, for the collection as the ingest job stored it: reads the
     * stored quantization from the Qdrant {@code conf} names.
     */
    public static QuerySettings from(Configuration conf) {
        return from(conf, QdrantOptions.connection(conf));
    }

    /**
     * As {@link #from(Configuration)}, reading the stored quantization and dense layout from {@code
     * qdrant}.
     */
    public static QuerySettings from(Configuration conf, QdrantConnection qdrant) {
        QueryOptions.sanityCheck(conf);
        try (QdrantClient client = qdrant.open()) {
            return stored(conf, client);
        }
    }

    /**
     * The settings for the physical collection behind the alias {@code qdrant.collection} (or that
     * collection, when it is a plain one), with the models and quantization its metadata records: a
     * query encodes as the points were encoded, whatever the flags say.
     */
    static QuerySettings stored(Configuration conf, QdrantClient client) {
        String physical = CollectionAliases.physical(client, conf.get(QdrantOptions.COLLECTION));
        Configuration effective = new Configuration(conf);
        effective.set(QdrantOptions.COLLECTION, physical);
        Optional<StoredModels> models = StoredModels.read(client, physical);
        if (models.isPresent()) {
            if (!models.get().sameEncoders(StoredModels.of(conf))) {
                LOG.info(
                        "Collection {} holds points of {}: querying with those, not the"
                                + " configured {}",
                        physical,
                        models.get(),
                        StoredModels.of(conf));
            }
            effective = models.get().applyTo(effective);
        }
        // The query side's only lookup of them, so every query quantizes with the points' ranges
        // and is truncated as the points were.
        return from(
                effective,
                StoredQuantization.read(client, physical).orElse(VectorQuantization.none()),
                DenseLayout.read(client, effective));
    }

    /** The settings {@code conf} gives (validated), for a collection quantized as given. */
    public static QuerySettings from(Configuration conf, VectorQuantization quantization) {
        return from(conf, quantization, DenseLayout.fromOptions(conf));
    }

    /**
     * The settings {@code conf} gives (validated), for a collection quantized and laid out as
     * given.
     */
    public static QuerySettings from(
            Configuration conf, VectorQuantization quantization, DenseLayout layout) {
        QueryOptions.sanityCheck(conf);
        return new QuerySettings(
                conf.get(QdrantOptions.COLLECTION),
                conf.get(ModelOptions.DENSE),
                conf.get(ModelOptions.SPARSE),
                conf.get(ModelOptions.BM25_AVG_LEN),
                conf.getOptional(ModelOptions.RERANK).orElse(null),
                quantization,
                conf.get(QueryOptions.TOP_K),
                conf.get(QueryOptions.MODE),
                conf.get(QueryOptions.RERANK),
                conf.get(QueryOptions.CANDIDATES),
                conf.get(QueryOptions.FUSION),
                conf.get(QueryOptions.RRF_K),
                conf.get(QueryOptions.DENSE_WEIGHT),
                conf.get(QueryOptions.SPARSE_WEIGHT),
                conf.get(QueryOptions.CLIENT_FUSION),
                conf.get(QueryOptions.EXACT),
                conf.get(QueryOptions.COLLAPSE),
                conf.get(QueryOptions.GROUP_SIZE),
                conf.get(QueryOptions.RETURN_TEXT),
                conf.get(QueryOptions.RERANK_TOP_N),
                conf.get(QueryOptions.DEADLINE),
                conf.get(QueryOptions.BATCH_SIZE),
                conf.get(QueryOptions.MAX_WAIT),
                conf.get(QueryOptions.CAPACITY),
                QueryOptions.readConsistency(conf),
                conf.get(QueryOptions.CACHE_SIZE),
                conf.get(QueryOptions.COLLAPSE_DUPLICATES),
                layout.truncateDim(),
                QueryOptions.mmr(conf),
                layout.prefixDimension(),
                conf.getOptional(QueryOptions.MATRYOSHKA_CANDIDATES).orElse(0),
                conf.get(QueryOptions.ENCODE_THREADS),
                conf.get(QueryOptions.ENCODE_WORKERS),
                conf.get(QueryOptions.RERANK_THREADS));
    }

    /**
     * These settings ranking as {@code r}, {@code topK} documents deep (chunks collapsed to
     * documents, no reranking), each search given {@code searchDeadline}: an evaluation row.
     */
    public QuerySettings ranking(Ranking r, int topK, Duration searchDeadline) {
        return new QuerySettings(
                collection,
                denseModel,
                sparseModel,
                bm25AvgLen,
                rerankModel,
                quantization,
                topK,
                r.mode(),
                false,
                candidates,
                r.fusion(),
                r.rrfK(),
                r.denseWeight(),
                r.sparseWeight(),
                r.clientFusion(),
                r.exact(),
                true,
                groupSize,
                returnText,
                rerankTopN,
                searchDeadline,
                batchSize,
                maxWait,
                capacity,
                readConsistency,
                cacheSize,
                collapseDuplicates,
                truncateDim,
                r.mmr(),
                prefixDimension,
                r.matryoshkaCandidates(),
                encodeThreads,
                encodeWorkers,
                rerankThreads);
    }

    /** A query with these defaults (top_k, mode, rerank, no filter). */
    public Query query(String queryId, String text) {
        return Query.of(queryId, text, mode, topK, rerank);
    }

    /** Whether a sparse model is configured ({@code model.sparse: none} turns it off). */
    public boolean hasSparse() {
        return !"none".equalsIgnoreCase(sparseModel);
    }

    /**
     * Whether hybrid RRF fuses on the client: when asked to, and for weights other than 1 and 1,
     * which Qdrant's RRF does not take.
     */
    /**
     * Whether Qdrant collapses the chunks of a {@code queryMode} search to documents (query groups
     * by doc_id): for dense and sparse searches with collapsing on. Hybrid searches over-fetch
     * chunks and collapse them here: Qdrant fills groups in rounds, each round fusing its
     * prefetches anew without the documents already found, so RRF and DBSF scores of later rounds
     * are inflated and outrank better documents of the first (GroupedSearchITCase shows it).
     */
    public boolean groupsOnServer(SearchRequest.Mode queryMode) {
        // Qdrant 1.16.3 accepts MMR in a grouped query but returns the groups out of order
        // (measured: a 0.71 group before the 1.0 one), so MMR searches collapse here too.
        return collapse && queryMode != SearchRequest.Mode.HYBRID && !mmrApplies(queryMode);
    }

    /** Whether a {@code queryMode} search is ranked by MMR: dense searches, with MMR on. */
    public boolean mmrApplies(SearchRequest.Mode queryMode) {
        return mmr != null && queryMode == SearchRequest.Mode.DENSE;
    }

    public boolean fusesOnClient() {
        return clientFusion || denseWeight != 1.0 || sparseWeight != 1.0;
    }

    /** Hits a query must get from the search: its top_k, or more when its reranker wants more. */
    public int wanted(Query q) {
        return Math.max(q.topK(), q.rerank() ? rerankTopN : 0);
    }
}
