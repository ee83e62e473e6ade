package io.fhs.jobs.ingest;

import io.fhs.operators.flink.BatchingAsyncFunction;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.sparse.Bm25Options;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseEncoders;
import io.fhs.operators.sparse.SparseVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.flink.annotation.Internal;

/**
 * Encodes chunks dense and sparse in micro-batches across records (one encoder call per batch), on
 * the batcher's worker thread. Deletions pass through untouched, in order. A chunk that fails to
 * encode on its own (the batcher retries a failed batch item by item) becomes a failed {@link
 * EncodedChunk}, which {@link EncodeFailures} turns into a dead letter.
 */
@Internal
public final class EncodeChunksFunction extends BatchingAsyncFunction<ChunkRecord, EncodedChunk> {
    private static final long serialVersionUID = 1L;
    // Without the chunker's pieces a text's length in pieces is estimated from its characters.
    private static final int CHARS_PER_PIECE = 4;

    private final String denseModel;
    private final String sparseModel;
    private final double bm25AvgLen;
    private final int threads;
    // sentence-transformers' truncate_dim for the dense vectors; 0 keeps them whole.
    private final int truncateDim;

    private transient DenseEncoder dense;
    private transient SparseEncoder sparse;

    public EncodeChunksFunction(
            String denseModel,
            String sparseModel,
            double bm25AvgLen,
            int batchSize,
            Duration maxWait,
            int threads,
            int workers) {
        this(denseModel, sparseModel, bm25AvgLen, batchSize, maxWait, threads, workers, 0);
    }

    /** As the other constructor, dense vectors truncated to {@code truncateDim} (0: not). */
    public EncodeChunksFunction(
            String denseModel,
            String sparseModel,
            double bm25AvgLen,
            int batchSize,
            Duration maxWait,
            int threads,
            int workers,
            int truncateDim) {
        super(batchSize, maxWait, workers);
        this.threads = threads;
        this.truncateDim = truncateDim;
        this.denseModel = denseModel;
        this.sparseModel = sparseModel;
        this.bm25AvgLen = bm25AvgLen;
    }

    @Override
    protected Function<List<ChunkRecord>, List<EncodedChunk>> openBatchFunction() {
        dense =
                DenseEncoder.open(
                        ModelLocator.resolve(denseModel),
                        EncoderOptions.defaults()
                                .withIntraOpThreads(threads)
                                .withTruncateDim(truncateDim));
        if (!"none".equalsIgnoreCase(sparseModel)) {
            sparse =
                    SparseEncoders.open(
                            sparseModel,
                            EncoderOptions.defaults().withIntraOpThreads(threads),
                            Bm25Options.defaults().withAvgLen(bm25AvgLen),
                            0);
        }
        return this::encode;
    }

    // A backlog is cut into batches of similar lengths, as the bare encoder's global sort does.
    @Override
    protected ToIntFunction<ChunkRecord> batchLength() {
        return c -> {
            if (!c.needsEncoding()) {
                return 0;
            }
            int[] pieces = c.encodePieces();
            return pieces != null ? pieces.length : c.encodeText().length() / CHARS_PER_PIECE;
        };
    }

    private List<EncodedChunk> encode(List<ChunkRecord> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        List<int[]> pieces = new ArrayList<>(batch.size());
        List<String> sparseTexts = new ArrayList<>(batch.size());
        for (ChunkRecord c : batch) {
            if (c.needsEncoding()) {
                texts.add(c.encodeText());
                pieces.add(c.encodePieces());
                if (c.sparseText() != null) {
                    sparseTexts.add(c.sparseText());
                }
            }
        }
        // The chunker's pieces spare the encoder a second tokenization of each chunk.
        float[][] vectors = dense.encode(texts, pieces, Role.DOCUMENT);
        List<SparseVector> sparseVectors =
                sparse == null ? null : sparse.encode(sparseTexts, Role.DOCUMENT);
        int nextSparse = 0;
        List<EncodedChunk> out = new ArrayList<>(batch.size());
        int next = 0;
        for (ChunkRecord c : batch) {
            if (!c.needsEncoding()) {
                out.add(new EncodedChunk(c.withoutPieces(), null, null, null));
                continue;
            }
            SparseVector s =
                    sparseVectors == null || c.sparseText() == null
                            ? null
                            : sparseVectors.get(nextSparse++);
            out.add(
                    new EncodedChunk(
                            c.withoutPieces(),
                            vectors[next],
                            s == null ? null : s.indices(),
                            s == null ? null : s.values()));
            next++;
        }
        return out;
    }

    @Override
    protected EncodedChunk onFailure(ChunkRecord chunk, Throwable error) {
        return EncodedChunk.failed(chunk.withoutPieces(), "encoding failed: " + error);
    }

    @Override
    protected void closeBatchFunction() {
        if (dense != null) {
            dense.close();
        }
        if (sparse != null) {
            sparse.close();
        }
    }
}
