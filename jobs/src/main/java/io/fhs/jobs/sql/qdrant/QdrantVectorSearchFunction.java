package io.fhs.jobs.sql.qdrant;

import java.util.Collection;
import java.util.concurrent.CompletionException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.VectorSearchFunction;

/**
 * The sync {@code VECTOR_SEARCH} of a {@code qdrant} table ({@code 'async' = 'false'}): the async
 * search, waited for. The wait is bounded: the search completes by {@code search.deadline}, with
 * hits or an error.
 */
@Internal
public final class QdrantVectorSearchFunction extends VectorSearchFunction {
    private static final long serialVersionUID = 1L;

    private final QdrantSearchCall call;

    QdrantVectorSearchFunction(QdrantSearchCall call) {
        this.call = call;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        call.open();
    }

    @Override
    public Collection<RowData> vectorSearch(int topK, RowData query) {
        try {
            return call.search(topK, query).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof VectorSearchException v
                    ? v
                    : new VectorSearchException("qdrant VECTOR_SEARCH failed", e.getCause());
        }
    }

    @Override
    public void close() throws Exception {
        try {
            call.close();
        } finally {
            super.close();
        }
    }
}
