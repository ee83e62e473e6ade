package io.fhs.jobs.sql.qdrant;

import io.fhs.connectors.qdrant.QdrantSink;
import io.fhs.connectors.qdrant.QdrantWrite;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.table.data.RowData;

/**
 * The {@link QdrantSink} writer fed with table rows: a row is zero, one or two writes ({@link
 * RowWrites}), which the sink's one-entry-per-element converter cannot express. Buffering,
 * batching, retries and the checkpointed buffer (at-least-once; deterministic point ids make a
 * replay idempotent) are the wrapped writer's.
 */
final class RowQdrantSink
        implements Sink<RowData>, SupportsWriterState<RowData, BufferedRequestState<QdrantWrite>> {
    private static final long serialVersionUID = 1L;

    private final QdrantSink<QdrantWrite> sink;
    private final RowWrites writes;

    RowQdrantSink(QdrantSink<QdrantWrite> sink, RowWrites writes) {
        this.sink = sink;
        this.writes = writes;
    }

    @Override
    public StatefulSinkWriter<RowData, BufferedRequestState<QdrantWrite>> createWriter(
            WriterInitContext context) {
        return new Writer(sink.createWriter(context), writes);
    }

    @Override
    public StatefulSinkWriter<RowData, BufferedRequestState<QdrantWrite>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<QdrantWrite>> state) {
        return new Writer(sink.restoreWriter(context, state), writes);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<QdrantWrite>> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    private static final class Writer
            implements StatefulSinkWriter<RowData, BufferedRequestState<QdrantWrite>> {
        private final StatefulSinkWriter<QdrantWrite, BufferedRequestState<QdrantWrite>> inner;
        private final RowWrites writes;

        Writer(
                StatefulSinkWriter<QdrantWrite, BufferedRequestState<QdrantWrite>> inner,
                RowWrites writes) {
            this.inner = inner;
            this.writes = writes;
        }

        @Override
        public void write(RowData row, Context context) throws IOException, InterruptedException {
            for (QdrantWrite w : writes.of(row)) {
                inner.write(w, context);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            inner.flush(endOfInput);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            inner.writeWatermark(watermark);
        }

        @Override
        public List<BufferedRequestState<QdrantWrite>> snapshotState(long checkpointId)
                throws IOException {
            return inner.snapshotState(checkpointId);
        }

        @Override
        public void close() throws Exception {
            inner.close();
        }
    }
}
