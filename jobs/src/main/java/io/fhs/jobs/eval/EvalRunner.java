package io.fhs.jobs.eval;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QueryWork;
import io.fhs.jobs.query.RerankStage;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseVector;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * the judged queries through the same encoders and Qdrant searches as the query side, and chunk
 * hits collapse to documents (a document scores as its best chunk).
 */
public final class EvalRunner implements AutoCloseable {
    /** Chunks asked of Qdrant per query, so that 100 distinct documents remain after collapsing. */
    static final int CHUNK_DEPTH = 300;

    static final int DOC_DEPTH = 100;

    /** Retrieval modes. */
    public enum Mode {
        DENSE,
        SPARSE,
        HYBRID
    }

    /** How a mode searches. */
    public record Settings(
            Mode mode,
            boolean exact,
            SearchRequest.Fusion fusion,
            int rrfK,
            boolean clientFusion,
            double denseWeight,
            double sparseWeight) {

        public Settings(Mode mode, boolean exact, SearchRequest.Fusion fusion, int rrfK) {
            this(mode, exact, fusion, rrfK, false, 1.0, 1.0);
        }

        /** Hybrid RRF with weights, fused on the client over the two lists Qdrant returns. */
        public static Settings clientRrf(int rrfK, double denseWeight, double sparseWeight) {
            return new Settings(
                    Mode.HYBRID,
                    false,
                    SearchRequest.Fusion.RRF,
                    rrfK,
                    true,
                    denseWeight,
                    sparseWeight);
        }

        public boolean weighted() {
            return mode == Mode.HYBRID && clientFusion;
        }
    }

    private final Configuration conf;
    private final QdrantClient client;
    private final DenseEncoder dense;
    private final SparseEncoder sparse;
    private final QdrantSearcher searcher;
    private VectorQuantization quantization = VectorQuantization.none();
    // What a document is reranked on: its first-seen (best-ranked) chunk in any search.
    private final Map<String, SearchHit> bestChunk = new java.util.HashMap<>();

    public EvalRunner(Configuration conf) {
        this.conf = conf;
        this.client = IngestJob.qdrant(conf).open();
        this.dense = DenseEncoder.open(conf.get(IngestOptions.DENSE_MODEL));
        this.sparse = IngestJob.openSparse(conf, dense.options());
        this.searcher =
                new QdrantSearcher(
                        client,
                        conf.get(IngestOptions.COLLECTION),
                        CollectionSpec.DEFAULT_DENSE_NAME,
                        CollectionSpec.DEFAULT_SPARSE_NAME);
    }

    /**
     * Runs the ingest graph (local Flink, parallelism 1) over {@code corpus} unless the collection
     * already holds its points; returns the point count.
     */
    public long ingest(List<TextRecord> corpus, long expectedPoints, LongConsumer progress)
            throws Exception {
        String collection = conf.get(IngestOptions.COLLECTION);
        long existing = count(collection);
        if (existing == expectedPoints && existing > 0) {
            quantization = IngestJob.prepareCollection(conf, List::of);
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
                IngestJob.prepareCollection(
                        conf,
                        () ->
                                io.fhs.jobs.ingest.CalibrationSample.chunkTexts(
                                        conf, records, samples));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        IngestJob.build(
                env,
                env.fromData(records, TypeInformation.of(KafkaRecord.class)).name("corpus"),
                new DiscardingSink<>(),
                IngestJob.qdrantSink(conf),
                conf);
        // A local environment shuts its MiniCluster down with the job, so the job runs on its own
        // thread and progress is read from Qdrant.
        CompletableFuture<Void> job =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                env.execute("fhs-eval-ingest");
                            } catch (Exception e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        });
        while (!job.isDone()) {
            Thread.sleep(500);
            progress.accept(count(collection));
        }
        job.get();
        long points = count(collection);
        progress.accept(points);
        return points;
    }

    private long count(String collection) {
        if (!QdrantCalls.call(
                "checking " + collection, () -> client.collectionExistsAsync(collection))) {
            return 0;
        }
        return QdrantCalls.call("counting", () -> client.countAsync(collection, null, true));
    }

    /** The top {@value #DOC_DEPTH} document ids per query. */
    public Map<String, List<String>> search(
            List<TextRecord> queries, Settings settings, LongConsumer progress) throws Exception {
        List<String> texts = queries.stream().map(TextRecord::text).toList();
        float[][] vectors = dense.encode(texts, Role.QUERY);
        List<SparseVector> sparseVectors =
                settings.mode() == Mode.DENSE || sparse == null
                        ? null
                        : sparse.encode(texts, Role.QUERY);
        if (settings.mode() != Mode.DENSE && sparse == null) {
            throw new IllegalArgumentException(
                    "Mode " + settings.mode() + " needs a sparse model; model.sparse is none");
        }
        Map<String, CompletableFuture<List<SearchHit>>> pending = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            SearchRequest request =
                    request(
                            settings,
                            quantization.query(vectors[i]),
                            sparseVectors == null ? null : sparseVectors.get(i));
            pending.put(
                    queries.get(i).id(),
                    settings.weighted()
                            ? weighted(
                                    settings, quantization.query(vectors[i]), sparseVectors.get(i))
                            : searcher.search(request));
        }
        Map<String, List<String>> runs = new LinkedHashMap<>();
        long done = 0;
        for (Map.Entry<String, CompletableFuture<List<SearchHit>>> e : pending.entrySet()) {
            List<SearchHit> hits = e.getValue().get();
            runs.put(e.getKey(), collapse(hits));
            for (SearchHit h : hits) {
                bestChunk.putIfAbsent(h.docId(), h);
            }
            progress.accept(++done);
        }
        return runs;
    }

    private CompletableFuture<List<SearchHit>> weighted(
            Settings s, float[] denseVector, SparseVector sparseVector) {
        Settings dense = new Settings(Mode.DENSE, s.exact(), s.fusion(), s.rrfK());
        Settings sparseOnly = new Settings(Mode.SPARSE, s.exact(), s.fusion(), s.rrfK());
        return searcher.search(request(dense, denseVector, null))
                .thenCombine(
                        searcher.search(request(sparseOnly, null, sparseVector)),
                        (d, sp) ->
                                io.fhs.connectors.qdrant.WeightedRrf.fuse(
                                        d,
                                        sp,
                                        s.rrfK(),
                                        s.denseWeight(),
                                        s.sparseWeight(),
                                        CHUNK_DEPTH));
    }

    private SearchRequest request(Settings s, float[] denseVector, SparseVector sparseVector) {
        SearchRequest r =
                switch (s.mode()) {
                    case DENSE ->
                            SearchRequest.dense(denseVector, CHUNK_DEPTH).withExact(s.exact());
                    case SPARSE -> SearchRequest.sparse(sparseVector, CHUNK_DEPTH);
                    case HYBRID ->
                            SearchRequest.hybrid(
                                            denseVector, sparseVector, CHUNK_DEPTH, CHUNK_DEPTH)
                                    .withFusion(s.fusion(), s.rrfK())
                                    .withExact(s.exact());
                };
        if (quantization.mode() == VectorQuantization.Mode.BINARY) {
            r = r.withSearchParams(128, true, 3.0);
        }
        return r.withPayloadFields(List.of("doc_id", "title", "text"));
    }

    /**
     * Reorders each query's top {@code rerank-top-n} documents as the query job does (the same
     * {@link RerankStage}: title and text of the document's best chunk, batches across queries);
     * documents below stay as they were.
     */
    public Map<String, List<String>> rerank(
            List<TextRecord> queries, Map<String, List<String>> runs, RerankStage stage) {
        int topN = stage.settings().rerankTopN();
        int batchSize = stage.settings().batchSize();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int from = 0; from < queries.size(); from += batchSize) {
            List<QueryWork> batch = new ArrayList<>();
            for (TextRecord q : queries.subList(from, Math.min(queries.size(), from + batchSize))) {
                List<String> ranked = runs.getOrDefault(q.id(), List.of());
                List<QueryResult.Hit> top = new ArrayList<>();
                for (String doc : ranked.subList(0, Math.min(topN, ranked.size()))) {
                    top.add(hit(doc));
                }
                Query query =
                        new Query(
                                q.id(),
                                q.text(),
                                Math.max(1, top.size()),
                                Map.of(),
                                SearchRequest.Mode.HYBRID,
                                true,
                                System.currentTimeMillis());
                batch.add(QueryWork.of(query).encoded(null, null, 0).searched(top, 0));
            }
            for (QueryWork w : stage.rerank(batch)) {
                if (w.failed()) {
                    throw new IllegalStateException(w.queryId() + ": " + w.error());
                }
                List<String> ranked = runs.getOrDefault(w.queryId(), List.of());
                List<String> merged = new ArrayList<>();
                w.hits().forEach(h -> merged.add(h.docId()));
                merged.addAll(ranked.subList(merged.size(), ranked.size()));
                out.put(w.queryId(), merged);
            }
        }
        return out;
    }

    private QueryResult.Hit hit(String doc) {
        SearchHit h = bestChunk.get(doc);
        Map<String, Object> p = h == null ? Map.of() : h.payload();
        return new QueryResult.Hit(
                doc,
                h == null ? 0 : h.chunk(),
                h == null ? 0 : h.score(),
                null,
                null,
                null,
                (String) p.get("title"),
                (String) p.get("text"),
                null);
    }

    /** Brute-force cosine over the stored vectors: the reference for exact dense search. */
    public Map<String, List<String>> bruteForce(List<TextRecord> queries) {
        BruteForce all = new BruteForce(client, conf.get(IngestOptions.COLLECTION));
        float[][] vectors =
                dense.encode(queries.stream().map(TextRecord::text).toList(), Role.QUERY);
        Map<String, List<String>> runs = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            runs.put(queries.get(i).id(), all.search(vectors[i], DOC_DEPTH));
        }
        return runs;
    }

    /** Document ids in rank order, each at the rank of its best chunk, at most 100. */
    static List<String> collapse(List<SearchHit> hits) {
        LinkedHashSet<String> docs = new LinkedHashSet<>();
        for (SearchHit h : hits) {
            docs.add(h.docId());
            if (docs.size() == DOC_DEPTH) {
                break;
            }
        }
        return new ArrayList<>(docs);
    }

    @Override
    public void close() {
        try {
            searcher.close();
        } finally {
            try {
                dense.close();
                if (sparse != null) {
                    sparse.close();
                }
            } finally {
                client.close();
            }
        }
    }
}
