package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.DeadLetter;
import io.fhs.connectors.kafka.KafkaRecord;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Parses records; whatever breaks the input contract goes to the dead-letter output. */
@Internal
public final class ValidateFunction extends ProcessFunction<KafkaRecord, DocumentEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final DocumentParser parser;
    private transient Counter recordsIn;
    private transient Counter deadLetters;
    // The same count as recordsIn, as an accumulator: what the command line's progress reads.
    private transient LongCounter documentsRead;

    public ValidateFunction(DocumentParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext context) {
        recordsIn = getRuntimeContext().getMetricGroup().counter("recordsIn");
        deadLetters = DeadLetter.Stage.VALIDATE.counter(getRuntimeContext().getMetricGroup());
        documentsRead = getRuntimeContext().getLongCounter(IngestCounters.DOCUMENTS_READ);
    }

    @Override
    public void processElement(KafkaRecord record, Context ctx, Collector<DocumentEvent> out) {
        recordsIn.inc();
        documentsRead.add(1);
        try {
            out.collect(parser.parse(record));
        } catch (DocumentParser.Invalid e) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, DeadLetter.invalid(record, e.field(), e.getMessage()));
        }
    }
}
