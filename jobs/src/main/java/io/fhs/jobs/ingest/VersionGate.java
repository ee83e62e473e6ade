package io.fhs.jobs.ingest;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per document (keyed by id): drops versions older than the newest seen, so a late record never
 * overwrites a newer one, and drops re-sent documents whose content hash is unchanged (nothing to
 * re-encode). Deletes clear the state, after remembering their version.
 */
public final class VersionGate extends KeyedProcessFunction<String, DocumentEvent, DocumentEvent> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<Long> version;
    private transient ValueState<String> contentHash;
    private transient Counter outOfOrder;
    private transient Counter unchanged;

    @Override
    public void open(OpenContext context) {
        version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Long.class));
        contentHash =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("content-hash", String.class));
        outOfOrder = getRuntimeContext().getMetricGroup().counter("outOfOrderDropped");
        unchanged = getRuntimeContext().getMetricGroup().counter("skippedUnchanged");
    }

    @Override
    public void processElement(DocumentEvent event, Context ctx, Collector<DocumentEvent> out)
            throws Exception {
        Long last = version.value();
        if (event.version() >= 0 && last != null && event.version() < last) {
            outOfOrder.inc();
            return;
        }
        if (event.version() >= 0) {
            version.update(event.version());
        }
        if (event.op() == DocumentEvent.Op.DELETE) {
            contentHash.clear();
            out.collect(event);
            return;
        }
        String hash = event.contentHash();
        String previous = contentHash.value();
        if (hash.equals(previous)) {
            unchanged.inc();
            return;
        }
        contentHash.update(hash);
        out.collect(event.replacingExisting(previous != null));
    }
}
