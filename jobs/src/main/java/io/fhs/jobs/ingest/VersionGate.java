package io.fhs.jobs.ingest;

import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per document (keyed by id): drops versions older than the newest seen, so a late record never
 * overwrites a newer one; turns a re-sent document whose title and text are unchanged into a
 * payload update (nothing to re-encode), or drops it when its metadata is unchanged too. Deletes
 * clear the content state, after remembering their version.
 *
 * <p>The state per document is its version and two hashes (content, metadata), a fixed size
 * whatever the document's metadata. The metadata state used to hold the JSON itself; restored from
 * such a savepoint, it differs from every hash, so each document's next unchanged re-send costs one
 * payload update, not a re-encoding.
 */
@Internal
public final class VersionGate extends KeyedProcessFunction<String, DocumentEvent, DocumentEvent> {
    private static final long serialVersionUID = 1L;

    private final boolean unseenMayBeIndexed;

    private transient ValueState<Long> version;
    private transient ValueState<String> contentHash;
    private transient ValueState<String> metadataHash;
    private transient Counter outOfOrder;
    private transient Counter unchanged;

    public VersionGate() {
        this(false);
    }

    /**
     * @param unseenMayBeIndexed a document this job has no state for may still have points from an
     *     earlier job (one started without its state on a filled collection): treat it as replacing
     *     them, so chunks beyond its new count are deleted
     */
    public VersionGate(boolean unseenMayBeIndexed) {
        this.unseenMayBeIndexed = unseenMayBeIndexed;
    }

    @Override
    public void open(OpenContext context) {
        version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Long.class));
        contentHash =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("content-hash", String.class));
        // The name and type of the state that held the JSON, so savepoints of that version restore.
        metadataHash =
                getRuntimeContext().getState(new ValueStateDescriptor<>("metadata", String.class));
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
            metadataHash.clear();
            out.collect(event);
            return;
        }
        String hash = event.contentHash();
        String previous = contentHash.value();
        String meta = event.metadataHash();
        if (hash.equals(previous)) {
            unchanged.inc();
            if (!Objects.equals(meta, metadataHash.value())) {
                metadataHash.update(meta);
                out.collect(event.asPayloadUpdate());
            }
            return;
        }
        contentHash.update(hash);
        metadataHash.update(meta);
        out.collect(event.replacingExisting(previous != null || unseenMayBeIndexed));
    }
}
