package io.fhs.jobs.sql.qdrant;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncVectorSearchFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The async {@code VECTOR_SEARCH} of a {@code qdrant} table: Qdrant's gRPC futures, no thread per
 * search. The planner's {@code timeout} bounds the wait from outside; {@code search.deadline}
 * bounds each search's retries from inside.
 */
@Internal
public final class QdrantAsyncVectorSearchFunction extends AsyncVectorSearchFunction {
    private static final long serialVersionUID = 1L;

    private final QdrantSearchCall call;

    QdrantAsyncVectorSearchFunction(QdrantSearchCall call) {
        this.call = call;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        call.open();
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncVectorSearch(int topK, RowData query) {
        return call.search(topK, query);
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
