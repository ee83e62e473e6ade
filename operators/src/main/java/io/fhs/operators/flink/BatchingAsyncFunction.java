package io.fhs.operators.flink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink async function that micro-batches across records: each record joins a batch, batches run
 * on a worker thread ({@link MicroBatcher}), and the task thread never waits. Subclasses create the
 * (non-serializable) batch function in {@link #openBatchFunction} and release it in {@link
 * #closeBatchFunction}.
 *
 * <p>Metrics: {@code batches}, {@code batchSize}, {@code batchLatencyMs}, {@code queueWaitMs}.
 */
@PublicEvolving
public abstract class BatchingAsyncFunction<I, O> extends RichAsyncFunction<I, O> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchingAsyncFunction.class);

    private final int maxBatchSize;
    private final Duration maxWait;
    private final int workers;

    private transient MicroBatcher<I, O> batcher;
    private transient LongAdder totalItems;
    private transient LongAdder totalProcessNanos;

    protected BatchingAsyncFunction(int maxBatchSize, Duration maxWait) {
        this(maxBatchSize, maxWait, 1);
    }

    /** With {@code workers} batches at once; the batch function must then be thread-safe. */
    protected BatchingAsyncFunction(int maxBatchSize, Duration maxWait, int workers) {
        this.maxBatchSize = maxBatchSize;
        this.maxWait = maxWait;
        this.workers = workers;
    }

    /** Builds the function that turns a batch of inputs into outputs, in order. */
    protected abstract Function<List<I>, List<O>> openBatchFunction() throws Exception;

    /** Releases what {@link #openBatchFunction} built; must not throw. */
    protected abstract void closeBatchFunction();

    /**
     * The length a batch should group its items by (tokens of a text, say), so that a backlog is
     * cut into batches of similar lengths ({@link MicroBatcher}); null (the default) batches in
     * arrival order. Called once, in {@link #open}, after {@link #openBatchFunction}.
     */
    protected ToIntFunction<? super I> batchLength() {
        return null;
    }

    /**
     * The output for an input whose processing failed on its own (the batcher has already retried
     * it alone). By default the failure fails the job; a subclass that can express a failure as an
     * output (an error result, a dead letter downstream) returns that instead.
     */
    protected O onFailure(I input, Throwable error) throws Throwable {
        throw error;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        Function<List<I>, List<O>> function = openBatchFunction();
        totalItems = new LongAdder();
        totalProcessNanos = new LongAdder();
        var metrics = getRuntimeContext().getMetricGroup();
        Counter batches = metrics.counter("batches");
        Histogram size = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        Histogram latency =
                metrics.histogram("batchLatencyMs", new DescriptiveStatisticsHistogram(1000));
        Histogram queue =
                metrics.histogram("queueWaitMs", new DescriptiveStatisticsHistogram(1000));
        batcher =
                new MicroBatcher<>(
                        getClass().getSimpleName(),
                        maxBatchSize,
                        maxWait,
                        workers,
                        batchLength(),
                        function,
                        (n, waitNanos, processNanos) -> {
                            totalItems.add(n);
                            totalProcessNanos.add(processNanos);
                            batches.inc();
                            size.update(n);
                            latency.update(processNanos / 1_000_000);
                            queue.update(waitNanos / 1_000_000);
                        });
    }

    @Override
    public void asyncInvoke(I input, ResultFuture<O> resultFuture) {
        batcher.submit(input)
                .whenComplete(
                        (output, error) -> {
                            if (error != null) {
                                failed(input, error, resultFuture);
                            } else {
                                resultFuture.complete(List.of(output));
                            }
                        });
    }

    private void failed(I input, Throwable error, ResultFuture<O> resultFuture) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        O output;
        try {
            output = onFailure(input, cause);
        } catch (Throwable t) {
            resultFuture.completeExceptionally(t);
            return;
        }
        resultFuture.complete(List.of(output));
    }

    @Override
    public void close() throws Exception {
        // Null-safe and non-throwing: a throwing close would take the TaskManager down.
        try {
            if (batcher != null) {
                batcher.close();
                LOG.info(
                        "{}: {} items in {} ms of batch processing",
                        getClass().getSimpleName(),
                        totalItems.sum(),
                        totalProcessNanos.sum() / 1_000_000);
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the micro-batcher failed", e);
        }
        try {
            closeBatchFunction();
        } catch (RuntimeException e) {
            LOG.warn("Closing the batch function failed", e);
        }
    }
}
