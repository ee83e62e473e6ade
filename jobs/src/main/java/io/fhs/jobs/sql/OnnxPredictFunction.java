package io.fhs.jobs.sql;

import io.fhs.jobs.sql.OnnxModelOptions.Settings;
import io.fhs.operators.flink.MicroBatcher;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ML_PREDICT} for an onnx model: each row joins a micro-batch ({@link MicroBatcher}, as the
 * DataStream jobs' encode stage), batches run on a worker thread, and the task thread never waits.
 * The planner's async operator bounds the rows in flight ({@code
 * table.exec.async-ml-predict.max-concurrent-operations}), which makes a slow model backpressure.
 * The ONNX session is shared by every subtask of the TaskManager that opens the same model file.
 */
@Internal
public final class OnnxPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OnnxPredictFunction.class);

    private final Settings settings;

    private transient OnnxBatchModel model;
    private transient MicroBatcher<RowData, RowData> batcher;
    private transient Counter batches;
    private transient Counter rows;

    OnnxPredictFunction(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void open(FunctionContext context) {
        model = OnnxBatchModel.open(settings);
        batches = context.getMetricGroup().counter("batches");
        rows = context.getMetricGroup().counter("batchedRows");
        batcher =
                new MicroBatcher<>(
                        "onnx-" + settings.task().name().toLowerCase(Locale.ROOT),
                        settings.batchSize(),
                        settings.maxWait(),
                        settings.workers(),
                        model,
                        (n, waitNanos, processNanos) -> {
                            batches.inc();
                            rows.inc(n);
                        });
        LOG.info("Opened onnx model {} for {}", settings.model(), settings.task());
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        return batcher.submit(input).thenApply(List::of);
    }

    @Override
    public void close() {
        // Batches in flight finish before the model's native resources go.
        try {
            if (batcher != null) {
                batcher.close();
                LOG.info(
                        "onnx model {}: {} rows in {} micro-batches",
                        settings.model(),
                        rows.getCount(),
                        batches.getCount());
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the micro-batcher failed", e);
        }
        try {
            if (model != null) {
                model.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the onnx model failed", e);
        }
    }
}
