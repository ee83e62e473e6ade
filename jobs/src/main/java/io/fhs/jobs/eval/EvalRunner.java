package io.fhs.jobs.eval;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestConnectors;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.ingest.IngestProgress;
import io.fhs.jobs.local.LocalJobRun;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.progress.ProgressLine;
import io.fhs.jobs.query.EncodeStage;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.query.QueryWork;
import io.fhs.jobs.query.RerankStage;
import io.fhs.jobs.query.SearchStage;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Evaluation over a BEIR dataset: the corpus goes through the ingest job's graph into a collection,
 * the judged queries through the query job's own stages ({@link EncodeStage}, {@link SearchStage},
 * {@link RerankStage}), and chunk hits collapse to documents (a document scores as its best chunk).
 */
public final class EvalRunner implements AutoCloseable {
    /**
     * Documents ranked per query (MAP@100, R@100); the search stage asks Qdrant for three times as
     * many chunks, so that this many distinct documents remain after collapsing.
     */
    static final int DOC_DEPTH = 100;

    /** How a mode searches. */
    public record Settings(
            SearchRequest.Mode mode,
            boolean exact,
            SearchRequest.Fusion fusion,
            int rrfK,
            boolean clientFusion,
            double denseWeight,
            double sparseWeight) {

        public Settings(
                SearchRequest.Mode mode, boolean exact, SearchRequest.Fusion fusion, int rrfK) {
            this(mode, exact, fusion, rrfK, false, 1.0, 1.0);
        }

        /** Hybrid RRF with weights, fused on the client over the two lists Qdrant returns. */
        public static Settings clientRrf(int rrfK, double denseWeight, double sparseWeight) {
            return new Settings(
                    SearchRequest.Mode.HYBRID,
                    false,
                    SearchRequest.Fusion.RRF,
                    rrfK,
                    true,
                    denseWeight,
                    sparseWeight);
        }

        public boolean weighted() {
            return mode == SearchRequest.Mode.HYBRID && clientFusion;
        }

        /** The query job's options for this mode, over {@code base}. */
        Configuration apply(Configuration base) {
            Configuration c = new Configuration(base);
            c.set(QueryOptions.MODE, mode);
            c.set(QueryOptions.EXACT, exact);
            c.set(QueryOptions.FUSION, fusion);
            c.set(QueryOptions.RRF_K, rrfK);
            c.set(QueryOptions.CLIENT_FUSION, clientFusion);
            c.set(QueryOptions.DENSE_WEIGHT, denseWeight);
            c.set(QueryOptions.SPARSE_WEIGHT, sparseWeight);
            c.set(QueryOptions.TOP_K, DOC_DEPTH);
            c.set(QueryOptions.COLLAPSE, true);
            c.set(QueryOptions.RERANK, false);
            // All judged queries are in flight at once, exact searches among them.
            c.set(QueryOptions.DEADLINE, java.time.Duration.ofMinutes(2));
            return c;
        }
    }

    private final Configuration conf;
    private final QdrantClient client;
    private VectorQuantization quantization = VectorQuantization.none();
    // The query job's encoder, opened once the collection's quantization is known.
    private EncodeStage encoder;
    private QuerySettings encoderSettings;
    private final Map<String, QueryWork> encoded = new LinkedHashMap<>();
    // The last search's hits per query (each document at its best chunk): what reranking reads.
    private final Map<String, List<QueryResult.Hit>> lastHits = new java.util.HashMap<>();

    // Restarts of the last ingest job (0 when the collection was already complete).
    private int ingestRestarts;

    public EvalRunner(Configuration conf) {
        this.conf = conf;
        this.client = QdrantOptions.connection(conf).open();
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
            quantization = CollectionLayout.prepare(conf, List::of);
            ingestRestarts = 0;
            return existing;
        }
        if (existing > 0) {
            QdrantCalls.call(
                    "dropping " + collection, () -> client.deleteCollectionAsync(collection));
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
        quantization =
                CollectionLayout.prepare(
                        conf,
                        () ->
                                io.fhs.jobs.ingest.CalibrationSample.chunkTexts(
                                        conf, records, samples));
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
        return QdrantCalls.call("counting", () -> client.countAsync(collection, null, true));
    }

    /**
     * The top {@value #DOC_DEPTH} document ids per query, searched by the query job's {@link
     * SearchStage} (chunk hits collapsed to documents at their best chunk's rank).
     */
    public Map<String, List<String>> search(
            List<TextRecord> queries, Settings settings, LongConsumer progress) throws Exception {
        QuerySettings qs = QuerySettings.from(settings.apply(conf), quantization);
        List<QueryWork> vectors = encode(queries);
        if (settings.mode() != SearchRequest.Mode.DENSE && !encoderSettings.hasSparse()) {
            throw new IllegalArgumentException(
                    "Mode " + settings.mode() + " needs a sparse model; model.sparse is none");
        }
        List<CompletableFuture<QueryWork>> pending = new ArrayList<>(queries.size());
        try (SearchStage stage = SearchStage.on(qs, client)) {
            for (QueryWork w : vectors) {
                Query q = w.query();
                Query asked =
                        new Query(
                                q.queryId(),
                                q.text(),
                                DOC_DEPTH,
                                Map.of(),
                                settings.mode(),
                                false,
                                q.receivedMillis());
                pending.add(stage.search(QueryWork.of(asked).encoded(w.dense(), w.sparse(), 0)));
            }
            Map<String, List<String>> runs = new LinkedHashMap<>();
            long done = 0;
            for (CompletableFuture<QueryWork> f : pending) {
                QueryWork w = f.get();
                if (w.failed()) {
                    throw new IllegalStateException("Query " + w.queryId() + ": " + w.error());
                }
                lastHits.put(w.queryId(), w.hits());
                runs.put(w.queryId(), w.hits().stream().map(QueryResult.Hit::docId).toList());
                progress.accept(++done);
            }
            return runs;
        }
    }

    /** The queries encoded dense and sparse (once, by the query job's encoder). */
    private List<QueryWork> encode(List<TextRecord> queries) {
        if (encoder == null) {
            encoderSettings = QuerySettings.from(conf, quantization);
            encoder = EncodeStage.open(encoderSettings);
        }
        // Hybrid work is encoded dense and sparse; without a sparse model, dense only.
        SearchRequest.Mode mode =
                encoderSettings.hasSparse() ? SearchRequest.Mode.HYBRID : SearchRequest.Mode.DENSE;
        List<QueryWork> todo = new ArrayList<>();
        for (TextRecord t : queries) {
            if (!encoded.containsKey(t.id())) {
                todo.add(
                        QueryWork.of(
                                new Query(
                                        t.id(),
                                        t.text(),
                                        DOC_DEPTH,
                                        Map.of(),
                                        mode,
                                        false,
                                        System.currentTimeMillis())));
            }
        }
        for (QueryWork w : encoder.encode(todo)) {
            if (w.failed()) {
                throw new IllegalStateException("Query " + w.queryId() + ": " + w.error());
            }
            encoded.put(w.queryId(), w);
        }
        return queries.stream().map(t -> encoded.get(t.id())).toList();
    }

    /**
     * The last {@link #search}'s documents, each query's top {@code rerank-top-n} reordered by the
     * query job's {@link RerankStage} (title and text of the document's best chunk, batches across
     * queries), the rest in search order.
     */
    public Map<String, List<String>> rerank(List<TextRecord> queries, RerankStage stage) {
        int batchSize = stage.settings().batchSize();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int from = 0; from < queries.size(); from += batchSize) {
            List<QueryWork> batch = new ArrayList<>();
            for (TextRecord q : queries.subList(from, Math.min(queries.size(), from + batchSize))) {
                List<QueryResult.Hit> hits = lastHits.getOrDefault(q.id(), List.of());
                Query query =
                        new Query(
                                q.id(),
                                q.text(),
                                Math.max(1, hits.size()),
                                Map.of(),
                                SearchRequest.Mode.HYBRID,
                                true,
                                System.currentTimeMillis());
                batch.add(QueryWork.of(query).encoded(null, null, 0).searched(hits, 0));
            }
            for (QueryWork w : stage.rerank(batch)) {
                if (w.failed()) {
                    throw new IllegalStateException(w.queryId() + ": " + w.error());
                }
                out.put(w.queryId(), w.hits().stream().map(QueryResult.Hit::docId).toList());
            }
        }
        return out;
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
            if (encoder != null) {
                encoder.close();
            }
        } finally {
            client.close();
        }
    }
}
