package io.fhs.jobs.ingest;

import io.fhs.connectors.qdrant.QdrantWrite;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns encoded chunks into Qdrant writes. When a new version replaces an indexed one, its last
 * chunk is followed by a deletion of any chunk numbers beyond it, so a document that shrinks (5
 * chunks to 2) leaves nothing stale. Counts the documents and chunks written for the command line's
 * progress ({@link IngestProgress}).
 */
@Internal
public final class ToQdrantWrites extends RichFlatMapFunction<EncodedChunk, QdrantWrite> {
    private static final long serialVersionUID = 1L;

    // Counters of their own until open() gives the job's (the reindex mirror calls flatMap alone).
    private transient LongCounter documentsWritten = new LongCounter();
    private transient LongCounter chunksWritten = new LongCounter();

    @Override
    public void open(OpenContext context) {
        documentsWritten = getRuntimeContext().getLongCounter(IngestCounters.DOCUMENTS_WRITTEN);
        chunksWritten = getRuntimeContext().getLongCounter(IngestCounters.CHUNKS_WRITTEN);
    }

    private static long version(ChunkRecord c) {
        return c.version() >= 0 ? c.version() : QdrantWrite.NO_VERSION;
    }

    @Override
    public void flatMap(EncodedChunk e, Collector<QdrantWrite> out) {
        ChunkRecord c = e.chunk();
        if (c.kind() == ChunkRecord.Kind.DELETE) {
            out.collect(
                    QdrantWrite.deleteDocument(c.docId())
                            .withOrigin(c.origin())
                            .withVersion(version(c)));
            documentsWritten.add(1);
            return;
        }
        if (c.kind() == ChunkRecord.Kind.SET_PAYLOAD) {
            out.collect(
                    QdrantWrite.setPayload(c.docId(), c.payloadJson())
                            .withOrigin(c.origin())
                            .withVersion(version(c)));
            documentsWritten.add(1);
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
                        .withOrigin(c.origin())
                        .withVersion(version(c)));
        chunksWritten.add(1);
        if (c.chunk() == c.chunkCount() - 1) {
            documentsWritten.add(1);
            if (c.replacesExisting()) {
                out.collect(
                        QdrantWrite.deleteChunksFrom(c.docId(), c.chunkCount())
                                .withOrigin(c.origin())
                                .withVersion(version(c)));
            }
        }
    }
}
