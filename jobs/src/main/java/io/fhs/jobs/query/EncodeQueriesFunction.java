package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.operators.flink.BatchingAsyncFunction;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.sparse.Bm25Options;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseEncoders;
import io.fhs.operators.sparse.SparseVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Encodes queries in micro-batches: one dense call and one sparse call (inference-free SPLADE looks
 * weights up) per batch, then the query form of the collection's quantization.
 */
public final class EncodeQueriesFunction extends BatchingAsyncFunction<QueryWork, QueryWork> {
    private static final long serialVersionUID = 1L;

    private final String denseModel;
    private final String sparseModel;
    private final double bm25AvgLen;
    private final VectorQuantization quantization;

    private transient DenseEncoder dense;
    private transient SparseEncoder sparse;

    public EncodeQueriesFunction(
            String denseModel,
            String sparseModel,
            double bm25AvgLen,
            VectorQuantization quantization,
            int batchSize,
            Duration maxWait) {
        super(batchSize, maxWait);
        this.denseModel = denseModel;
        this.sparseModel = sparseModel;
        this.bm25AvgLen = bm25AvgLen;
        this.quantization = quantization;
    }

    @Override
    protected Function<List<QueryWork>, List<QueryWork>> openBatchFunction() {
        dense = DenseEncoder.open(ModelLocator.resolve(denseModel), EncoderOptions.defaults());
        if (!"none".equalsIgnoreCase(sparseModel)) {
            sparse =
                    SparseEncoders.open(
                            sparseModel,
                            EncoderOptions.defaults(),
                            Bm25Options.defaults().withAvgLen(bm25AvgLen),
                            0);
        }
        return this::encode;
    }

    private List<QueryWork> encode(List<QueryWork> batch) {
        long start = System.nanoTime();
        List<String> texts = new ArrayList<>();
        List<String> sparseTexts = new ArrayList<>();
        for (QueryWork w : batch) {
            if (!w.failed()) {
                texts.add(w.query().text());
                if (w.query().mode() != SearchRequest.Mode.DENSE && sparse != null) {
                    sparseTexts.add(w.query().text());
                }
            }
        }
        float[][] vectors = dense.encode(texts, Role.QUERY);
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
            float[] d = quantization.query(vectors[next++]);
            if (w.query().mode() == SearchRequest.Mode.DENSE) {
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

    @Override
    protected void closeBatchFunction() {
        try {
            if (dense != null) {
                dense.close();
            }
        } finally {
            if (sparse != null) {
                sparse.close();
            }
        }
    }
}
