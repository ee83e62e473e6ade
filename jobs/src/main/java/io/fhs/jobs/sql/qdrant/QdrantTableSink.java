package io.fhs.jobs.sql.qdrant;

import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableFactory;

/** The upsert sink of a {@code qdrant} table. */
final class QdrantTableSink {
    private QdrantTableSink() {}

    static DynamicTableSink create(
            QdrantTableFactory factory, DynamicTableFactory.Context context) {
        throw new UnsupportedOperationException("the qdrant table sink is not written yet");
    }
}
