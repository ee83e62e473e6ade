package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.sparse.Bm25Options;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseEncoders;
import io.fhs.operators.sparse.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Query encoding for a batch of queries: one dense call and one sparse call (inference-free SPLADE
 * only looks weights up) per batch, then the query form of the collection's quantization.
 * Thread-safe (the encoders and the cache are): {@code query.encode.workers} batches run at once.
 */
@Internal
public final class EncodeStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeStage.class);

    private final QuerySettings settings;
    private final DenseEncoder dense;
    private final SparseEncoder sparse;
    private final QueryEmbeddingCache cache;

    private EncodeStage(QuerySettings settings, DenseEncoder dense, SparseEncoder sparse) {
        this.settings = settings;
        this.dense = dense;
        this.sparse = sparse;
        this.cache = new QueryEmbeddingCache(settings.cacheSize());
    }

    /** Loads the dense model and, unless {@code model.sparse} is none, the sparse one. */
    public static EncodeStage open(QuerySettings settings) {
        DenseEncoder dense =
                DenseEncoder.open(
                        ModelLocator.resolve(settings.denseModel()),
                        // Queries are cut as the collection's points were.
                        EncoderOptions.defaults()
                                .withTruncateDim(settings.truncateDim())
                                .withIntraOpThreads(settings.encodeThreads()));
        try {
            SparseEncoder sparse =
                    settings.hasSparse()
                            ? SparseEncoders.open(
                                    settings.sparseModel(),
                                    EncoderOptions.defaults()
                                            .withIntraOpThreads(settings.encodeThreads()),
                                    Bm25Options.defaults().withAvgLen(settings.bm25AvgLen()),
                                    0)
                            : null;
            return new EncodeStage(settings, dense, sparse);
        } catch (RuntimeException e) {
            dense.close();
            throw e;
        }
    }

    /**
     * Encodes the batch's queries that have not failed; failed ones pass through. When the encoder
     * fails on a batch, its queries are encoded one by one, so only a query that fails on its own
     * gets an error result; never the job.
     */
    public List<QueryWork> encode(List<QueryWork> batch) {
        try {
            return encodeOrThrow(batch);
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                LOG.warn("Encoding {} queries failed; encoding them one by one", batch.size(), e);
                List<QueryWork> out = new ArrayList<>(batch.size());
                for (QueryWork w : batch) {
                    out.addAll(encode(List.of(w)));
                }
                return out;
            }
            QueryWork w = batch.get(0);
            LOG.warn("Encoding query {} failed", w.queryId(), e);
            return List.of(w.failed() ? w : w.failing("encode failed: " + e.getMessage()));
        }
    }

    private List<QueryWork> encodeOrThrow(List<QueryWork> batch) {
        long start = System.nanoTime();
        QueryEmbeddingCache.Entry[] cached = new QueryEmbeddingCache.Entry[batch.size()];
        // Distinct texts only: a query repeated within the batch is encoded once.
        Set<String> texts = new LinkedHashSet<>();
        Set<String> sparseTexts = new LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            QueryWork w = batch.get(i);
            if (w.failed()) {
                continue;
            }
            String text = w.query().text();
            boolean wantsSparse = needsSparse(w) && sparse != null;
            cached[i] = cache.lookup(text, wantsSparse);
            if (cached[i] != null) {
                continue;
            }
            texts.add(text);
            if (wantsSparse) {
                sparseTexts.add(text);
            }
        }
        Map<String, float[]> vectors = encodeDense(texts);
        Map<String, SparseVector> sparseVectors = encodeSparse(sparseTexts);
        for (String text : texts) {
            cache.put(text, vectors.get(text), sparseVectors.get(text));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<QueryWork> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            QueryWork w = batch.get(i);
            if (w.failed()) {
                out.add(w);
                continue;
            }
            String text = w.query().text();
            boolean fromCache = cached[i] != null;
            float[] d =
                    settings.quantization()
                            .query(fromCache ? cached[i].dense() : vectors.get(text));
            SparseVector s = fromCache ? cached[i].sparse() : sparseVectors.get(text);
            if (!needsSparse(w)) {
                out.add(w.encoded(d, null, ms, fromCache));
            } else if (sparse == null) {
                out.add(
                        w.failing(
                                "mode: "
                                        + w.query().mode().name().toLowerCase()
                                        + " needs a sparse model, and model.sparse is none"));
            } else {
                out.add(w.encoded(d, s, ms, fromCache));
            }
        }
        return out;
    }

    private Map<String, float[]> encodeDense(Set<String> texts) {
        Map<String, float[]> out = new HashMap<>();
        if (texts.isEmpty()) {
            return out;
        }
        List<String> list = List.copyOf(texts);
        float[][] vectors = dense.encode(list, Role.QUERY);
        for (int i = 0; i < list.size(); i++) {
            out.put(list.get(i), vectors[i]);
        }
        return out;
    }

    private Map<String, SparseVector> encodeSparse(Set<String> texts) {
        Map<String, SparseVector> out = new HashMap<>();
        if (texts.isEmpty()) {
            return out;
        }
        List<String> list = List.copyOf(texts);
        List<SparseVector> vectors = sparse.encode(list, Role.QUERY);
        for (int i = 0; i < list.size(); i++) {
            out.put(list.get(i), vectors.get(i));
        }
        return out;
    }

    private static boolean needsSparse(QueryWork w) {
        return w.query().mode() != SearchRequest.Mode.DENSE;
    }

    /** The query embedding cache, e.g. for its hit rate. */
    public QueryEmbeddingCache cache() {
        return cache;
    }

    /** The dense encoder, e.g. for its options. */
    public DenseEncoder dense() {
        return dense;
    }

    @Override
    public void close() {
        try {
            dense.close();
        } finally {
            if (sparse != null) {
                sparse.close();
            }
        }
    }
}
