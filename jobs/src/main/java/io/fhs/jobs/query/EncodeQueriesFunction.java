package io.fhs.jobs.query;

import io.fhs.operators.flink.BatchingAsyncFunction;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The encode stage ({@link EncodeStage}) as a micro-batched async operator. */
@Internal
public final class EncodeQueriesFunction extends BatchingAsyncFunction<QueryWork, QueryWork> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EncodeQueriesFunction.class);

    private final QuerySettings settings;

    private transient EncodeStage stage;

    public EncodeQueriesFunction(QuerySettings settings) {
        super(settings.batchSize(), settings.maxWait(), settings.encodeWorkers());
        this.settings = settings;
    }

    @Override
    protected Function<List<QueryWork>, List<QueryWork>> openBatchFunction() {
        stage = EncodeStage.open(settings);
        QueryEmbeddingCache cache = stage.cache();
        var metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("queryCacheHits", (Gauge<Long>) cache::hits);
        metrics.gauge("queryCacheMisses", (Gauge<Long>) cache::misses);
        metrics.gauge("queryCacheHitRate", (Gauge<Double>) cache::hitRate);
        return stage::encode;
    }

    @Override
    public void timeout(QueryWork w, ResultFuture<QueryWork> out) {
        // An answer, not a job failure: the default timeout would fail the job.
        LOG.warn("Query {} waited too long for its encoding", w.queryId());
        out.complete(List.of(w.failing("encode timed out (the encoder is overloaded)")));
    }

    @Override
    protected void closeBatchFunction() {
        if (stage != null) {
            stage.close();
        }
    }
}
