package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.RecordOrigin;
import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * One chunk of a document to encode and write, or a whole-document operation (deletion, payload
 * update) passing through the pipeline in order, so it can never overtake the upsert before it.
 *
 * @param chunkCount chunks of this version of the document
 * @param encodeText what the dense encoder sees: the title (if any), a space, and the chunk's text
 * @param encodePieces the dense tokenizer's word pieces of {@code encodeText} (no special tokens),
 *     from the chunker, so that the encoder does not tokenize it again; null to tokenize the text
 * @param sparseText what the sparse encoder sees: the chunk's encode text, or with sparse scope
 *     DOCUMENT the whole document on chunk 0 and null (no sparse vector) on the others
 * @param payloadJson the point payload (title, metadata, offsets, text)
 * @param version the document's version, or -1 when it has none
 * @param origin the Kafka record of the document, for dead letters
 */
@Internal
public record ChunkRecord(
        String docId,
        Kind kind,
        int chunk,
        int chunkCount,
        String encodeText,
        int[] encodePieces,
        String sparseText,
        String payloadJson,
        long appendTime,
        boolean replacesExisting,
        long version,
        RecordOrigin origin)
        implements Serializable {

    /** A record whose encode text the encoder tokenizes itself. */
    public ChunkRecord(
            String docId,
            Kind kind,
            int chunk,
            int chunkCount,
            String encodeText,
            String sparseText,
            String payloadJson,
            long appendTime,
            boolean replacesExisting,
            long version,
            RecordOrigin origin) {
        this(
                docId,
                kind,
                chunk,
                chunkCount,
                encodeText,
                null,
                sparseText,
                payloadJson,
                appendTime,
                replacesExisting,
                version,
                origin);
    }

    /** What the record asks for. */
    public enum Kind {
        UPSERT,
        DELETE,
        SET_PAYLOAD
    }

    public static ChunkRecord deletion(DocumentEvent doc) {
        return new ChunkRecord(
                doc.docId(),
                Kind.DELETE,
                -1,
                0,
                null,
                null,
                null,
                doc.appendTime(),
                true,
                doc.version(),
                doc.origin());
    }

    public static ChunkRecord payloadUpdate(DocumentEvent doc, String payloadJson) {
        return new ChunkRecord(
                doc.docId(),
                Kind.SET_PAYLOAD,
                -1,
                0,
                null,
                null,
                payloadJson,
                doc.appendTime(),
                true,
                doc.version(),
                doc.origin());
    }

    /** This record with another payload (a near-duplicate mark added, for one). */
    public ChunkRecord withPayloadJson(String newPayloadJson) {
        return new ChunkRecord(
                docId,
                kind,
                chunk,
                chunkCount,
                encodeText,
                encodePieces,
                sparseText,
                newPayloadJson,
                appendTime,
                replacesExisting,
                version,
                origin);
    }

    /**
     * This record without its word pieces: once encoded they are dead weight for every later
     * operator's serializer.
     */
    public ChunkRecord withoutPieces() {
        if (encodePieces == null) {
            return this;
        }
        return new ChunkRecord(
                docId,
                kind,
                chunk,
                chunkCount,
                encodeText,
                null,
                sparseText,
                payloadJson,
                appendTime,
                replacesExisting,
                version,
                origin);
    }

    public boolean needsEncoding() {
        return kind == Kind.UPSERT;
    }
}
