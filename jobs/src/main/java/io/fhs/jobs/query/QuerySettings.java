package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * Everything the query stages need, read once from the options: serializable, so the Flink
 * operators carry it to the task managers and open their stage from it there.
 *
 * @param rerankModel cross-encoder directory or name; null when none is configured
 * @param quantization the query form of the collection's stored quantization
 */
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
        boolean returnText,
        int rerankTopN,
        Duration deadline,
        int batchSize,
        Duration maxWait,
        int capacity)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The settings {@code conf} gives (validated), for a collection quantized as given. */
    public static QuerySettings from(Configuration conf, VectorQuantization quantization) {
        QueryOptions.sanityCheck(conf);
        if (quantization.mode() == VectorQuantization.Mode.INT8
                && conf.get(QueryOptions.FUSION) == SearchRequest.Fusion.DBSF) {
            // Measured on CACM: hybrid NDCG@10 0.25 with DBSF against 0.54 with RRF.
            throw new IllegalArgumentException(
                    QueryOptions.FUSION.key()
                            + " DBSF misranks int8 collections, whose Euclid distances it"
                            + " normalises the wrong way up; use RRF");
        }
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
                conf.get(QueryOptions.RETURN_TEXT),
                conf.get(QueryOptions.RERANK_TOP_N),
                conf.get(QueryOptions.DEADLINE),
                conf.get(QueryOptions.BATCH_SIZE),
                conf.get(QueryOptions.MAX_WAIT),
                conf.get(QueryOptions.CAPACITY));
    }

    /** Whether a sparse model is configured ({@code model.sparse: none} turns it off). */
    public boolean hasSparse() {
        return !"none".equalsIgnoreCase(sparseModel);
    }

    /**
     * Whether hybrid RRF fuses on the client: when asked to, and for weights other than 1 and 1,
     * which Qdrant's RRF does not take.
     */
    public boolean fusesOnClient() {
        return clientFusion || denseWeight != 1.0 || sparseWeight != 1.0;
    }

    /** Hits a query must get from the search: its top_k, or more when its reranker wants more. */
    public int wanted(Query q) {
        return Math.max(q.topK(), q.rerank() ? rerankTopN : 0);
    }
}
