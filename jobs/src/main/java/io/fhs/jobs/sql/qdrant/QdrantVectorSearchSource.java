package io.fhs.jobs.sql.qdrant;

import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableFactory;

/** The {@code VECTOR_SEARCH} source of a {@code qdrant} table. */
final class QdrantVectorSearchSource {
    private QdrantVectorSearchSource() {}

    static DynamicTableSource create(
            QdrantTableFactory factory, DynamicTableFactory.Context context) {
        throw new UnsupportedOperationException(
                "the qdrant vector search source is not written yet");
    }
}
