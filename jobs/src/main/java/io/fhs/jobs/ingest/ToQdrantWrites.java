package io.fhs.jobs.ingest;

import io.fhs.connectors.qdrant.QdrantWrite;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns encoded chunks into Qdrant writes. When a new version replaces an indexed one, its last
 * chunk is followed by a deletion of any chunk numbers beyond it, so a document that shrinks (5
 * chunks to 2) leaves nothing stale.
 */
public final class ToQdrantWrites implements FlatMapFunction<EncodedChunk, QdrantWrite> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(EncodedChunk e, Collector<QdrantWrite> out) {
        ChunkRecord c = e.chunk();
        if (c.kind() == ChunkRecord.Kind.DELETE) {
            out.collect(QdrantWrite.deleteDocument(c.docId()).withOrigin(c.origin()));
            return;
        }
        if (c.kind() == ChunkRecord.Kind.SET_PAYLOAD) {
            out.collect(QdrantWrite.setPayload(c.docId(), c.payloadJson()).withOrigin(c.origin()));
            return;
        }
        out.collect(
                QdrantWrite.upsert(
                                c.docId(),
                                c.chunk(),
                                e.dense(),
                                e.sparseIndices(),
                                e.sparseValues(),
                                c.payloadJson())
                        .withOrigin(c.origin()));
        if (c.replacesExisting() && c.chunk() == c.chunkCount() - 1) {
            out.collect(
                    QdrantWrite.deleteChunksFrom(c.docId(), c.chunkCount()).withOrigin(c.origin()));
        }
    }
}
