package io.fhs.jobs.sql.qdrant;

import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;

/**
 * {@code CREATE TABLE t (...) WITH ('connector' = 'qdrant', ...)}: a Qdrant collection as an upsert
 * sink ({@link QdrantTableSink}) and as the table of {@code VECTOR_SEARCH} ({@link
 * QdrantVectorSearchSource}). One factory for both, so that one DDL serves writing and searching
 * and both validate the same option set ({@link QdrantTableOptions}).
 */
@PublicEvolving
public final class QdrantTableFactory
        implements DynamicTableSinkFactory, DynamicTableSourceFactory {
    public static final String IDENTIFIER = "qdrant";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return QdrantTableOptions.required();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return QdrantTableOptions.optional();
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        return QdrantTableSink.create(this, context);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        return QdrantVectorSearchSource.create(this, context);
    }
}
