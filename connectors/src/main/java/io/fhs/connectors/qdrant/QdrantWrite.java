package io.fhs.connectors.qdrant;

import io.fhs.connectors.kafka.RecordOrigin;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One write the Qdrant sink buffers: an upsert of a point (named dense and/or sparse vector plus a
 * JSON payload), or the deletion of a document's points (all of them, or its chunks from a given
 * number on, which is how a shrinking document drops its stale tail).
 *
 * <p>Kept as plain Java fields (not protobuf) so it can live in Flink's checkpointed buffer.
 */
@PublicEvolving
public final class QdrantWrite implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the write does. */
    public enum Kind {
        UPSERT,
        DELETE_DOCUMENT,
        SET_PAYLOAD
    }

    private final Kind kind;
    private final String docId;
    private final UUID pointId;
    private final int chunk;
    private final float[] dense;
    private final int[] sparseIndices;
    private final float[] sparseValues;
    private final String payloadJson;
    private final RecordOrigin origin;
    // The document version this write belongs to, or NO_VERSION: what a guarded sink compares
    // with the stored points' "version" payload.
    private final long version;

    /** The version of a write that carries none: a guarded sink writes it unconditionally. */
    public static final long NO_VERSION = -1;

    private QdrantWrite(
            Kind kind,
            String docId,
            UUID pointId,
            int chunk,
            float[] dense,
            int[] sparseIndices,
            float[] sparseValues,
            String payloadJson,
            RecordOrigin origin,
            long version) {
        this.kind = kind;
        this.docId = Objects.requireNonNull(docId, "docId");
        this.pointId = pointId;
        this.chunk = chunk;
        this.dense = dense;
        this.sparseIndices = sparseIndices;
        this.sparseValues = sparseValues;
        this.payloadJson = payloadJson;
        this.origin = Objects.requireNonNull(origin, "origin");
        this.version = version;
    }

    /**
     * Upserts chunk {@code chunk} of {@code docId} with id {@link PointIds#of}. The payload (a JSON
     * object) gets {@code doc_id} and {@code chunk} added by the sink.
     */
    public static QdrantWrite upsert(
            String docId,
            int chunk,
            float[] dense,
            int[] sparseIndices,
            float[] sparseValues,
            String payloadJson) {
        if (dense == null && sparseIndices == null) {
            throw new IllegalArgumentException("A point needs a dense or a sparse vector");
        }
        if ((sparseIndices == null) != (sparseValues == null)
                || (sparseIndices != null && sparseIndices.length != sparseValues.length)) {
            throw new IllegalArgumentException(
                    "Sparse indices and values must come in equal numbers");
        }
        return new QdrantWrite(
                Kind.UPSERT,
                docId,
                PointIds.of(docId, chunk),
                chunk,
                dense,
                sparseIndices,
                sparseValues,
                payloadJson == null ? "{}" : payloadJson,
                RecordOrigin.UNKNOWN,
                NO_VERSION);
    }

    /**
     * Sets top-level payload keys on every point of a document (its vectors stay): what a
     * metadata-only change needs, without re-encoding.
     */
    public static QdrantWrite setPayload(String docId, String payloadJson) {
        return new QdrantWrite(
                Kind.SET_PAYLOAD,
                docId,
                null,
                0,
                null,
                null,
                null,
                payloadJson,
                RecordOrigin.UNKNOWN,
                NO_VERSION);
    }

    /** Deletes every point of a document. */
    public static QdrantWrite deleteDocument(String docId) {
        return new QdrantWrite(
                Kind.DELETE_DOCUMENT,
                docId,
                null,
                0,
                null,
                null,
                null,
                null,
                RecordOrigin.UNKNOWN,
                NO_VERSION);
    }

    /** Deletes the points of a document whose chunk number is {@code fromChunk} or more. */
    public static QdrantWrite deleteChunksFrom(String docId, int fromChunk) {
        return new QdrantWrite(
                Kind.DELETE_DOCUMENT,
                docId,
                null,
                fromChunk,
                null,
                null,
                null,
                null,
                RecordOrigin.UNKNOWN,
                NO_VERSION);
    }

    /**
     * This write, marked as coming from the record at {@code origin}: what a dead letter names when
     * Qdrant refuses it.
     */
    public QdrantWrite withOrigin(RecordOrigin origin) {
        return new QdrantWrite(
                kind,
                docId,
                pointId,
                chunk,
                dense,
                sparseIndices,
                sparseValues,
                payloadJson,
                origin,
                version);
    }

    /**
     * This write, as part of version {@code version} of its document (a non-negative number, or
     * {@link #NO_VERSION}). A guarded sink then never lets it replace or delete points of a newer
     * version; the version is also stored in the point's {@code version} payload field.
     */
    public QdrantWrite withVersion(long version) {
        if (version < NO_VERSION) {
            throw new IllegalArgumentException("A version must be >= 0, got " + version);
        }
        return new QdrantWrite(
                kind,
                docId,
                pointId,
                chunk,
                dense,
                sparseIndices,
                sparseValues,
                payloadJson,
                origin,
                version);
    }

    public Kind kind() {
        return kind;
    }

    public String docId() {
        return docId;
    }

    public UUID pointId() {
        return pointId;
    }

    /** Upsert: the chunk number; delete: the first chunk number deleted. */
    public int chunk() {
        return chunk;
    }

    public float[] dense() {
        return dense;
    }

    public int[] sparseIndices() {
        return sparseIndices;
    }

    public float[] sparseValues() {
        return sparseValues;
    }

    public String payloadJson() {
        return payloadJson;
    }

    /** The document version (see {@link #withVersion}), or {@link #NO_VERSION}. */
    public long version() {
        return version;
    }

    public boolean hasVersion() {
        return version >= 0;
    }

    /** The Kafka record this write came from, or {@link RecordOrigin#UNKNOWN}. */
    public RecordOrigin origin() {
        return origin;
    }

    /** Approximate size on the wire, for the sink's byte limits. */
    public long sizeInBytes() {
        long size = 64 + docId.length() * 2L;
        size += dense == null ? 0 : dense.length * 4L;
        size += sparseIndices == null ? 0 : sparseIndices.length * 8L;
        size += payloadJson == null ? 0 : payloadJson.length() * 2L;
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QdrantWrite w
                && kind == w.kind
                && chunk == w.chunk
                && version == w.version
                && docId.equals(w.docId)
                && Objects.equals(pointId, w.pointId)
                && Arrays.equals(dense, w.dense)
                && Arrays.equals(sparseIndices, w.sparseIndices)
                && Arrays.equals(sparseValues, w.sparseValues)
                && Objects.equals(payloadJson, w.payloadJson)
                && origin.equals(w.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, docId, chunk, pointId);
    }

    @Override
    public String toString() {
        return kind + "[" + docId + "#" + chunk + (hasVersion() ? " v" + version : "") + "]";
    }
}
