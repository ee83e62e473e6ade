package io.fhs.jobs.query;

import io.fhs.operators.flink.BatchingAsyncFunction;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rerank stage ({@link RerankStage}) as a micro-batched async operator: one cross-encoder call
 * for the candidates of all queries of a batch. Queries that do not rerank pass with their hits cut
 * to top_k.
 */
@Internal
public final class RerankFunction extends BatchingAsyncFunction<QueryWork, QueryWork> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RerankFunction.class);

    private final QuerySettings settings;

    private transient RerankStage stage;

    public RerankFunction(QuerySettings settings) {
        super(settings.batchSize(), settings.maxWait());
        this.settings = settings;
    }

    @Override
    protected Function<List<QueryWork>, List<QueryWork>> openBatchFunction() {
        stage = RerankStage.open(settings);
        return stage::rerank;
    }

    @Override
    public void timeout(QueryWork w, ResultFuture<QueryWork> out) {
        // An answer, not a job failure: the default timeout would fail the job.
        LOG.warn("Query {} waited too long for its reranking", w.queryId());
        out.complete(List.of(w.failing("rerank timed out (the reranker is overloaded)")));
    }

    @Override
    protected void closeBatchFunction() {
        if (stage != null) {
            stage.close();
        }
    }
}
