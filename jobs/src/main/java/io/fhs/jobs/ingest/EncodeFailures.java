package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.DeadLetter;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends chunks the encoder failed on to the dead-letter output ({@code "stage": "encode"}) and
 * passes the encoded ones on: the async encode operator cannot emit side outputs itself.
 */
@Internal
public final class EncodeFailures extends ProcessFunction<EncodedChunk, EncodedChunk> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EncodeFailures.class);

    private transient Counter failures;

    @Override
    public void open(OpenContext context) {
        failures = DeadLetter.Stage.ENCODE.counter(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(EncodedChunk e, Context ctx, Collector<EncodedChunk> out) {
        if (!e.isFailed()) {
            out.collect(e);
            return;
        }
        ChunkRecord c = e.chunk();
        failures.inc();
        LOG.warn("Chunk {} of {} from {}: {}", c.chunk(), c.docId(), c.origin(), e.error());
        ctx.output(
                ValidateFunction.DEAD_LETTERS,
                DeadLetter.failed(
                        DeadLetter.Stage.ENCODE, c.origin(), c.docId(), c.chunk(), e.error()));
    }
}
