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
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Query encoding for a batch of queries: one dense call and one sparse call (inference-free SPLADE
 * only looks weights up) per batch, then the query form of the collection's quantization. Not
 * thread-safe: one batch at a time.
 */
@Internal
public final class EncodeStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeStage.class);

    private final QuerySettings settings;
    private final DenseEncoder dense;
    private final SparseEncoder sparse;

    private EncodeStage(QuerySettings settings, DenseEncoder dense, SparseEncoder sparse) {
        this.settings = settings;
        this.dense = dense;
        this.sparse = sparse;
    }

    /** Loads the dense model and, unless {@code model.sparse} is none, the sparse one. */
    public static EncodeStage open(QuerySettings settings) {
        DenseEncoder dense =
                DenseEncoder.open(
                        ModelLocator.resolve(settings.denseModel()), EncoderOptions.defaults());
        try {
            SparseEncoder sparse =
                    settings.hasSparse()
                            ? SparseEncoders.open(
                                    settings.sparseModel(),
                                    EncoderOptions.defaults(),
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
        List<String> texts = new ArrayList<>();
        List<String> sparseTexts = new ArrayList<>();
        for (QueryWork w : batch) {
            if (!w.failed()) {
                texts.add(w.query().text());
                if (needsSparse(w) && sparse != null) {
                    sparseTexts.add(w.query().text());
                }
            }
        }
        float[][] vectors = texts.isEmpty() ? new float[0][] : dense.encode(texts, Role.QUERY);
        List<SparseVector> sparseVectors =
                sparseTexts.isEmpty() ? List.of() : sparse.encode(sparseTexts, Role.QUERY);
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<QueryWork> out = new ArrayList<>(batch.size());
        int next = 0;
        int nextSparse = 0;
        for (QueryWork w : batch) {
            if (w.failed()) {
                out.add(w);
                continue;
            }
            float[] d = settings.quantization().query(vectors[next++]);
            if (!needsSparse(w)) {
                out.add(w.encoded(d, null, ms));
            } else if (sparse == null) {
                out.add(
                        w.failing(
                                "mode: "
                                        + w.query().mode().name().toLowerCase()
                                        + " needs a sparse model, and model.sparse is none"));
            } else {
                out.add(w.encoded(d, sparseVectors.get(nextSparse++), ms));
            }
        }
        return out;
    }

    private static boolean needsSparse(QueryWork w) {
        return w.query().mode() != SearchRequest.Mode.DENSE;
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
