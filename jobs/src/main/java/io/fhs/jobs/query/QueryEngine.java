package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.ingest.QuantizationSetup;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.Configuration;

/**
 * The query side without Flink: encode, search, rerank and collapse, the same code the query job
 * runs as separate async operators, for the terminal search, evaluation and tests.
 *
 * <pre>{@code
 * try (QueryEngine engine = QueryEngine.open(conf)) {
 *     List<QueryResult> results = engine.runAll(List.of(engine.query("q1", "time sharing")));
 * }
 * }</pre>
 *
 * <p>Stages may also be called one by one: {@link #encode} (one encoder call per batch), {@link
 * #search} (async), {@link #rerank} (one cross-encoder call per batch). Encoding and reranking are
 * not thread-safe: call them from one thread at a time.
 */
public final class QueryEngine implements AutoCloseable {
    private final QuerySettings settings;
    private final EncodeStage encoder;
    private final SearchStage searcher;
    private final RerankStage reranker;

    private QueryEngine(
            QuerySettings settings,
            EncodeStage encoder,
            SearchStage searcher,
            RerankStage reranker) {
        this.settings = settings;
        this.encoder = encoder;
        this.searcher = searcher;
        this.reranker = reranker;
    }

    /**
     * An engine for the options in {@code conf} ({@code conf/query.yaml}), against the Qdrant and
     * collection they name, with the quantization the ingest job stored with the collection.
     */
    public static QueryEngine open(Configuration conf) {
        return open(conf, QdrantOptions.connection(conf));
    }

    /** As {@link #open(Configuration)}, on the given Qdrant. */
    public static QueryEngine open(Configuration conf, QdrantConnection qdrant) {
        VectorQuantization quantization;
        try (QdrantClient client = qdrant.open()) {
            quantization =
                    QuantizationSetup.stored(client, conf.get(QdrantOptions.COLLECTION))
                            .orElse(VectorQuantization.none());
        }
        return open(QuerySettings.from(conf, quantization), qdrant);
    }

    /** An engine for the given settings on the given Qdrant. */
    public static QueryEngine open(QuerySettings settings, QdrantConnection qdrant) {
        EncodeStage encoder = EncodeStage.open(settings);
        RerankStage reranker = null;
        try {
            reranker = RerankStage.open(settings);
            return new QueryEngine(settings, encoder, SearchStage.open(settings, qdrant), reranker);
        } catch (RuntimeException e) {
            encoder.close();
            if (reranker != null) {
                reranker.close();
            }
            throw e;
        }
    }

    public QuerySettings settings() {
        return settings;
    }

    /** A query with the configured defaults (top_k, mode, rerank, no filter). */
    public Query query(String queryId, String text) {
        return new Query(
                queryId,
                text,
                settings.topK(),
                Map.of(),
                settings.mode(),
                settings.rerank(),
                System.currentTimeMillis());
    }

    /** As {@link #query(String, String)}, with mode, top_k and reranking given. */
    public Query query(
            String queryId, String text, SearchRequest.Mode mode, int topK, boolean rerank) {
        return new Query(queryId, text, topK, Map.of(), mode, rerank, System.currentTimeMillis());
    }

    /** Encodes a batch with one dense (and one sparse) encoder call. */
    public List<QueryWork> encode(List<QueryWork> batch) {
        return encoder.encode(batch);
    }

    /** Searches for an encoded query; completes with hits or an error, never exceptionally. */
    public CompletableFuture<QueryWork> search(QueryWork encoded) {
        return searcher.search(encoded);
    }

    /** Reranks a batch of searched queries with one cross-encoder call and cuts them to top_k. */
    public List<QueryWork> rerank(List<QueryWork> batch) {
        return reranker.rerank(batch);
    }

    /** One hit per document, its best chunk's (see {@link SearchStage#collapse}). */
    public static List<QueryResult.Hit> collapse(List<QueryResult.Hit> hits, int wanted) {
        return SearchStage.collapse(hits, wanted);
    }

    /** Runs one query through every stage. */
    public QueryResult run(Query query) {
        return runAll(List.of(query)).get(0);
    }

    /**
     * Runs queries through every stage, in order: batches of {@code query.batch-size} per encoder
     * and reranker call, up to {@code query.capacity} searches in flight. One result per query.
     */
    public List<QueryResult> runAll(List<Query> queries) {
        List<QueryResult> out = new ArrayList<>(queries.size());
        int window = Math.max(settings.capacity(), settings.batchSize());
        for (int from = 0; from < queries.size(); from += window) {
            List<Query> part = queries.subList(from, Math.min(queries.size(), from + window));
            List<CompletableFuture<QueryWork>> searches = new ArrayList<>(part.size());
            for (List<QueryWork> batch : batches(part.stream().map(QueryWork::of).toList())) {
                for (QueryWork w : encode(batch)) {
                    searches.add(search(w));
                }
            }
            List<QueryWork> searched = searches.stream().map(CompletableFuture::join).toList();
            for (List<QueryWork> batch : batches(searched)) {
                for (QueryWork w : rerank(batch)) {
                    out.add(w.result());
                }
            }
        }
        return out;
    }

    private List<List<QueryWork>> batches(List<QueryWork> works) {
        List<List<QueryWork>> out = new ArrayList<>();
        for (int i = 0; i < works.size(); i += settings.batchSize()) {
            out.add(works.subList(i, Math.min(works.size(), i + settings.batchSize())));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            searcher.close();
        } finally {
            try {
                encoder.close();
            } finally {
                reranker.close();
            }
        }
    }
}
