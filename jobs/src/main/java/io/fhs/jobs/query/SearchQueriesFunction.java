package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.QdrantConnection;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search stage ({@link SearchStage}) as an async operator: never blocks the task thread;
 * searches that fail past their retries or outlast {@code query.deadline} become error results.
 */
@Internal
public final class SearchQueriesFunction extends RichAsyncFunction<QueryWork, QueryWork> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SearchQueriesFunction.class);

    private final QdrantConnection connection;
    private final QuerySettings settings;

    private transient SearchStage stage;

    public SearchQueriesFunction(QdrantConnection connection, QuerySettings settings) {
        this.connection = connection;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        stage = SearchStage.open(settings, connection);
    }

    @Override
    public void asyncInvoke(QueryWork w, ResultFuture<QueryWork> out) {
        stage.search(w).thenAccept(r -> out.complete(List.of(r)));
    }

    @Override
    public void timeout(QueryWork w, ResultFuture<QueryWork> out) {
        // The stage answers at its deadline; this backstop only fires if that answer is lost.
        LOG.warn("Query {} outlasted the search deadline of {}", w.queryId(), settings.deadline());
        out.complete(
                List.of(
                        w.failing(
                                "search deadline of "
                                        + settings.deadline().toMillis()
                                        + " ms exceeded (is Qdrant reachable?)")));
    }

    @Override
    public void close() {
        // Null-safe and non-throwing: a throwing close takes the TaskManager down.
        try {
            if (stage != null) {
                stage.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the search stage failed", e);
        }
    }
}
