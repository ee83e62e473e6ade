package io.fhs.cli.eval;

import io.fhs.cli.local.LocalJobRun;
import io.fhs.cli.progress.IngestProgress;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.Tombstones;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CalibrationSample;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestConnectors;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.query.QueryWork;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Evaluation over a BEIR dataset: the corpus goes through the ingest job's graph into a collection,
 * the judged queries through the query core ({@link QueryCore}), encoded once and searched as each
 * row ranks, with chunk hits collapsed to documents (a document scores as its best chunk).
 */
public final class EvalRunner implements AutoCloseable {
    /**
     * Documents ranked per query (MAP@100, R@100); the search stage asks Qdrant for three times as
     * many chunks, so that this many distinct documents remain after collapsing.
     */
    static final int DOC_DEPTH = 100;

    // All judged queries are in flight at once, exact searches among them.
    private static final Duration SEARCH_DEADLINE = Duration.ofMinutes(2);

    private final Configuration conf;
    private final QdrantConnection qdrant;
    private final QdrantClient client;
    // Opened once the collection, and the quantization stored with it, exist.
    private QueryCore core;
    private final Map<String, QueryWork> encoded = new LinkedHashMap<>();
    // The last search's hits per query (each document at its best chunk): what reranking reads.
    private final Map<String, List<QueryResult.Hit>> lastHits = new HashMap<>();

    // Restarts of the last ingest job (0 when the collection was already complete).
    private int ingestRestarts;

    public EvalRunner(Configuration conf) {
        this.conf = conf;
        this.qdrant = QdrantOptions.connection(conf);
        this.client = qdrant.open();
    }

    /**
     * Runs the ingest graph (local Flink, parallelism 1) over {@code corpus} unless the collection
     * already holds its points, showing its progress on {@code line}; returns the point count.
     */
    public long ingest(List<TextRecord> corpus, long expectedPoints, ProgressLine line)
            throws Exception {
        String collection = conf.get(QdrantOptions.COLLECTION);
        long existing = count(collection);
        if (existing == expectedPoints && existing > 0) {
            // Checks that the collection holds what the options ask for.
            CollectionLayout.prepare(conf, List::of);
            ingestRestarts = 0;
            return existing;
        }
        if (existing > 0) {
            CollectionAliases.drop(client, collection);
        }
        List<KafkaRecord> records = new ArrayList<>(corpus.size());
        List<String> calibration = new ArrayList<>();
        for (TextRecord d : corpus) {
            records.add(
                    new KafkaRecord(
                            "eval",
                            0,
                            records.size(),
                            System.currentTimeMillis(),
                            d.id().getBytes(StandardCharsets.UTF_8),
                            d.toDocumentJson().getBytes(StandardCharsets.UTF_8)));
        }
        int samples = conf.get(IngestOptions.CALIBRATION_SAMPLES);
        CollectionLayout.prepare(conf, () -> CalibrationSample.chunkTexts(conf, records, samples));
        StreamExecutionEnvironment env = LocalJobRun.environment(conf, 1);
        IngestJob.build(
                env,
                env.fromData(records, TypeInformation.of(KafkaRecord.class)).name("corpus"),
                new DiscardingSink<>(),
                IngestConnectors.qdrantSink(conf),
                conf);
        // Restarts go to stderr as they happen.
        ingestRestarts =
                LocalJobRun.run(
                                env,
                                conf,
                                "fhs-eval-ingest",
                                new PrintWriter(System.err, true),
                                new IngestProgress(line, corpus.size()))
                        .restarts();
        return count(collection);
    }

    /** How often the last {@link #ingest} job restarted. */
    public int ingestRestarts() {
        return ingestRestarts;
    }

    private long count(String collection) {
        if (!QdrantCalls.call(
                "checking " + collection, () -> client.collectionExistsAsync(collection))) {
            return 0;
        }
        return Tombstones.countLive(client, collection);
    }

    /**
     * The top {@value #DOC_DEPTH} document ids per query, searched by the query core as {@code
     * ranking} ranks (chunk hits collapsed to documents at their best chunk's rank).
     */
    public Map<String, List<String>> search(
            List<TextRecord> queries, QuerySettings.Ranking ranking, LongConsumer progress) {
        QuerySettings deep = core().settings().ranking(ranking, DOC_DEPTH, SEARCH_DEADLINE);
        if (ranking.mode() != SearchRequest.Mode.DENSE && !deep.hasSparse()) {
            throw new IllegalArgumentException(
                    "Mode " + ranking.mode() + " needs a sparse model; model.sparse is none");
        }
        Map<String, List<String>> runs = new LinkedHashMap<>();
        for (QueryWork w : core.searchAs(deep, encode(queries), progress)) {
            lastHits.put(w.queryId(), succeeded(w).hits());
            runs.put(w.queryId(), docIds(w));
        }
        return runs;
    }

    private QueryCore core() {
        if (core == null) {
            core = QueryCore.open(QuerySettings.from(conf, qdrant), qdrant);
        }
        return core;
    }

    /**
     * The queries encoded dense and sparse, all in one batch, once: every row searches the same
     * vectors.
     */
    private List<QueryWork> encode(List<TextRecord> queries) {
        // Hybrid work is encoded dense and sparse; without a sparse model, dense only.
        SearchRequest.Mode mode =
                core().settings().hasSparse()
                        ? SearchRequest.Mode.HYBRID
                        : SearchRequest.Mode.DENSE;
        List<QueryWork> todo = new ArrayList<>();
        for (TextRecord t : queries) {
            if (!encoded.containsKey(t.id())) {
                todo.add(QueryWork.of(Query.of(t.id(), t.text(), mode, DOC_DEPTH, false)));
            }
        }
        for (QueryWork w : core.encode(todo)) {
            encoded.put(w.queryId(), succeeded(w));
        }
        return queries.stream().map(t -> encoded.get(t.id())).toList();
    }

    /**
     * The last {@link #search}'s documents, each query's top {@code query.rerank-top-n} reordered
     * by the query core's reranker (title and text of the document's best chunk, batches of {@code
     * query.batch-size} across queries), the rest in search order.
     */
    public Map<String, List<String>> rerank(List<TextRecord> queries) {
        List<QueryWork> searched = new ArrayList<>(queries.size());
        for (TextRecord q : queries) {
            List<QueryResult.Hit> hits = lastHits.getOrDefault(q.id(), List.of());
            // Every hit stays: reranking reorders the top, top_k keeps the rest behind it.
            Query all =
                    Query.of(
                            q.id(),
                            q.text(),
                            SearchRequest.Mode.HYBRID,
                            Math.max(1, hits.size()),
                            true);
            searched.add(QueryWork.of(all).encoded(null, null, 0).searched(hits, 0));
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (List<QueryWork> batch : core().batches(searched)) {
            for (QueryWork w : core.rerank(batch)) {
                out.put(w.queryId(), docIds(succeeded(w)));
            }
        }
        return out;
    }

    /** Each query's documents in the last {@link #search}, at the chunk that ranked them. */
    public Map<String, Map<String, Integer>> bestChunks() {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        lastHits.forEach(
                (query, hits) -> {
                    Map<String, Integer> chunks = new HashMap<>();
                    for (QueryResult.Hit h : hits) {
                        chunks.putIfAbsent(h.docId(), h.chunk());
                    }
                    out.put(query, chunks);
                });
        return out;
    }

    /** The intra-list similarity measure over this runner's collection's stored vectors. */
    public IntraListSimilarity intraListSimilarity() {
        return IntraListSimilarity.load(client, conf.get(QdrantOptions.COLLECTION));
    }

    private static QueryWork succeeded(QueryWork w) {
        if (w.failed()) {
            throw new IllegalStateException("Query " + w.queryId() + ": " + w.error());
        }
        return w;
    }

    private static List<String> docIds(QueryWork w) {
        return w.hits().stream().map(QueryResult.Hit::docId).toList();
    }

    /** Brute-force cosine over the stored vectors: the reference for exact dense search. */
    public Map<String, List<String>> bruteForce(List<TextRecord> queries) {
        BruteForce all = new BruteForce(client, conf.get(QdrantOptions.COLLECTION));
        Map<String, List<String>> runs = new LinkedHashMap<>();
        for (QueryWork w : encode(queries)) {
            runs.put(w.queryId(), all.search(w.dense(), DOC_DEPTH));
        }
        return runs;
    }

    @Override
    public void close() {
        try {
            if (core != null) {
                core.close();
            }
        } finally {
            client.close();
        }
    }
}
