package io.fhs.jobs.query;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The last step of a query: its result, and the query's latency in the job, from the parse operator
 * receiving it to here ({@code queryLatencyMs}, the dashboard's latency percentiles; the result's
 * {@code timings_ms.total} measures the same span).
 */
final class ToResult extends RichMapFunction<QueryWork, QueryResult> {
    private static final long serialVersionUID = 1L;

    private transient Histogram latency;
    private transient Counter errors;

    @Override
    public void open(OpenContext context) {
        var metrics = getRuntimeContext().getMetricGroup();
        latency = metrics.histogram("queryLatencyMs", new DescriptiveStatisticsHistogram(1000));
        errors = metrics.counter("errorResults");
    }

    @Override
    public QueryResult map(QueryWork work) {
        latency.update(Math.max(0, System.currentTimeMillis() - work.receivedMillis()));
        if (work.failed()) {
            errors.inc();
        }
        return work.result();
    }
}
