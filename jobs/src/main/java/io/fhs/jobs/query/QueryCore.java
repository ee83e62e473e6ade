package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.QdrantClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;

/**
 * The query pipeline, plain Java: encode, search (collapsing chunks to documents), rerank. The
 * query job runs its stages as async operators ({@link EncodeQueriesFunction}, {@link
 * SearchQueriesFunction}, {@link RerankFunction}); {@code fhs search}, {@code fhs serve}, {@code
 * fhs eval}, {@code --sample-query} and the tests call it directly, so that all of them rank alike.
 *
 * <pre>{@code
 * try (QueryCore core = QueryCore.open(conf)) {
 *     List<QueryResult> results = core.runAll(List.of(core.query("q1", "time sharing")));
 * }
 * }</pre>
 *
 * <p>Stages may also be called one by one: {@link #encode} (one encoder call per batch), {@link
 * #search} (async), {@link #rerank} (one cross-encoder call per batch). Encoding and reranking are
 * not thread-safe: call them from one thread at a time.
 */
@PublicEvolving
public final class QueryCore implements AutoCloseable {
    private final QuerySettings settings;
    private final QdrantClient client;
    private final EncodeStage encoder;
    private final SearchStage searcher;
    private final RerankStage reranker;

    private QueryCore(
            QuerySettings settings,
            QdrantClient client,
            EncodeStage encoder,
            SearchStage searcher,
            RerankStage reranker) {
        this.settings = settings;
        this.client = client;
        this.encoder = encoder;
        this.searcher = searcher;
        this.reranker = reranker;
    }

    /**
     * A core for the options in {@code conf} ({@code conf/query.yaml}), against the Qdrant and
     * collection they name, with the quantization the ingest job stored with the collection.
     */
    public static QueryCore open(Configuration conf) {
        QdrantConnection qdrant = QdrantOptions.connection(conf);
        return open(QuerySettings.from(conf, qdrant), qdrant);
    }

    /** A core for the given settings on the given Qdrant. */
    public static QueryCore open(QuerySettings settings, QdrantConnection qdrant) {
        EncodeStage encoder = EncodeStage.open(settings);
        RerankStage reranker = null;
        QdrantClient client = null;
        try {
            reranker = RerankStage.open(settings);
            client = qdrant.open();
            return new QueryCore(
                    settings, client, encoder, SearchStage.on(settings, client), reranker);
        } catch (RuntimeException e) {
            encoder.close();
            if (reranker != null) {
                reranker.close();
            }
            if (client != null) {
                client.close();
            }
            throw e;
        }
    }

    public QuerySettings settings() {
        return settings;
    }

    /** A query with the configured defaults (top_k, mode, rerank, no filter). */
    public Query query(String queryId, String text) {
        return settings.query(queryId, text);
    }

    /** As {@link #query(String, String)}, with mode, top_k and reranking given. */
    public Query query(
            String queryId, String text, SearchRequest.Mode mode, int topK, boolean rerank) {
        return Query.of(queryId, text, mode, topK, rerank);
    }

    /** Encodes a batch with one dense (and one sparse) encoder call. */
    public List<QueryWork> encode(List<QueryWork> batch) {
        return encoder.encode(batch);
    }

    /** Searches for an encoded query; completes with hits or an error, never exceptionally. */
    public CompletableFuture<QueryWork> search(QueryWork encoded) {
        return searcher.search(encoded);
    }

    /**
     * Searches already encoded queries again as {@code ranked} ranks them, with its top_k, all at
     * once, on this core's client: evaluation's rows over one encoding of the queries. {@code
     * searched} hears the count of answers taken so far. One result per query, in order.
     */
    public List<QueryWork> searchAs(
            QuerySettings ranked, List<QueryWork> encoded, LongConsumer searched) {
        try (SearchStage stage = SearchStage.on(ranked, client)) {
            List<CompletableFuture<QueryWork>> pending = new ArrayList<>(encoded.size());
            for (QueryWork w : encoded) {
                Query asked = ranked.query(w.queryId(), w.query().text());
                pending.add(
                        stage.search(
                                QueryWork.of(asked).encoded(w.dense(), w.sparse(), w.encodeMs())));
            }
            List<QueryWork> out = new ArrayList<>(pending.size());
            for (CompletableFuture<QueryWork> f : pending) {
                out.add(f.join());
                searched.accept(out.size());
            }
            return out;
        }
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

    /** {@code works} in batches of {@code query.batch-size}, as the encoder and reranker take. */
    public List<List<QueryWork>> batches(List<QueryWork> works) {
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
                try {
                    reranker.close();
                } finally {
                    client.close();
                }
            }
        }
    }
}
