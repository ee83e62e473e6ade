package io.fhs.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.connectors.kafka.DeadLetter;
import io.fhs.jobs.options.SparseScope;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits documents into chunks that fit the dense model's {@code max_seq_length} (token-aware, with
 * overlap), and builds each chunk's payload. Deletions pass through as one record. A document the
 * chunker fails on goes to the dead-letter output ({@code "stage": "chunk"}), not the job down.
 */
@Internal
public final class ChunkFunction extends ProcessFunction<DocumentEvent, ChunkRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChunkFunction.class);

    private final String denseModel;
    private final int overlapTokens;
    private final boolean storeText;
    private final SparseScope sparseScope;
    private final boolean passPieces;

    private transient Chunker chunker;
    private transient ObjectMapper json;
    private transient Counter chunks;
    private transient Counter failures;

    /**
     * @param passPieces whether chunk records carry their word pieces to the encoder ({@code
     *     encode.chunk-pieces})
     */
    public ChunkFunction(
            String denseModel,
            int overlapTokens,
            boolean storeText,
            SparseScope sparseScope,
            boolean passPieces) {
        this.sparseScope = sparseScope;
        this.passPieces = passPieces;
        this.denseModel = denseModel;
        this.overlapTokens = overlapTokens;
        this.storeText = storeText;
    }

    @Override
    public void open(OpenContext context) {
        openChunker();
        chunks = getRuntimeContext().getMetricGroup().counter("chunks");
        failures = DeadLetter.Stage.CHUNK.counter(getRuntimeContext().getMetricGroup());
    }

    /** Opens what {@link #chunk} needs, without Flink (the reindex mirror chunks this way too). */
    void openChunker() {
        // Sized from the model's tokenizer and configuration: max_seq_length less special and
        // document-prompt tokens. No ONNX session: only the encode operator loads the graph.
        chunker = Chunker.forDocuments(ModelLocator.resolve(denseModel), overlapTokens);
        json = new ObjectMapper();
    }

    @Override
    public void processElement(DocumentEvent doc, Context ctx, Collector<ChunkRecord> out) {
        List<ChunkRecord> records;
        try {
            records = chunk(doc);
        } catch (Exception e) {
            LOG.warn("Chunking document {} from {} failed", doc.docId(), doc.origin(), e);
            refuse(doc, "chunking failed: " + e, ctx);
            return;
        }
        if (records.isEmpty()) {
            // Only control characters, marks and spaces: nothing for the model, and no point.
            refuse(
                    doc,
                    "the text has no tokens for the model (only control characters, marks or"
                            + " spaces)",
                    ctx);
            return;
        }
        records.forEach(out::collect);
    }

    /** The document's records; emitted only once all are built, so a failure emits none. */
    List<ChunkRecord> chunk(DocumentEvent doc) throws Exception {
        List<ChunkRecord> out = new ArrayList<>();
        if (doc.op() == DocumentEvent.Op.DELETE) {
            out.add(ChunkRecord.deletion(doc));
            return out;
        }
        if (doc.op() == DocumentEvent.Op.UPDATE_PAYLOAD) {
            ObjectNode payload = json.createObjectNode();
            if (doc.metadataJson() != null) {
                payload.set("metadata", json.readTree(doc.metadataJson()));
            } else {
                payload.putNull("metadata");
            }
            if (doc.version() >= 0) {
                payload.put("version", doc.version());
            }
            out.add(ChunkRecord.payloadUpdate(doc, payload.toString()));
            return out;
        }
        List<Chunk> pieces = chunker.chunk(doc.text());
        for (Chunk c : pieces) {
            ObjectNode payload = json.createObjectNode();
            if (doc.title() != null) {
                payload.put("title", doc.title());
            }
            if (doc.metadataJson() != null) {
                payload.set("metadata", json.readTree(doc.metadataJson()));
            }
            if (storeText) {
                payload.put("text", c.text());
            }
            payload.put("start", c.start());
            payload.put("end", c.end());
            payload.put("chunk_count", pieces.size());
            if (doc.version() >= 0) {
                payload.put("version", doc.version());
            }
            out.add(
                    new ChunkRecord(
                            doc.docId(),
                            ChunkRecord.Kind.UPSERT,
                            c.index(),
                            pieces.size(),
                            encodeText(doc.title(), c.text()),
                            passPieces ? encodePieces(chunker, doc.title(), c) : null,
                            sparseText(doc, c),
                            payload.toString(),
                            doc.appendTime(),
                            doc.replacesExisting(),
                            doc.version(),
                            doc.origin()));
        }
        if (chunks != null) {
            chunks.inc(pieces.size());
        }
        return out;
    }

    private void refuse(DocumentEvent doc, String reason, Context ctx) {
        failures.inc();
        ctx.output(
                ValidateFunction.DEAD_LETTERS,
                DeadLetter.failed(DeadLetter.Stage.CHUNK, doc.origin(), doc.docId(), -1, reason));
    }

    private String sparseText(DocumentEvent doc, Chunk c) {
        if (sparseScope == SparseScope.CHUNK) {
            return encodeText(doc.title(), c.text());
        }
        return c.index() == 0 ? encodeText(doc.title(), doc.text()) : null;
    }

    /** What the encoder sees for a chunk: the title, when there is one, then the chunk. */
    public static String encodeText(String title, String chunkText) {
        return title == null || title.isBlank() ? chunkText : title + " " + chunkText;
    }

    /**
     * The word pieces of {@link #encodeText}, from the chunker's tokenization of the document (and
     * of the title), or null where the chunker cannot vouch for them.
     */
    public static int[] encodePieces(Chunker chunker, String title, Chunk c) {
        return title == null || title.isBlank() ? c.pieces() : chunker.piecesAfter(title, c);
    }

    @Override
    public void close() {
        try {
            if (chunker != null) {
                chunker.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the chunker failed", e);
        }
    }
}
