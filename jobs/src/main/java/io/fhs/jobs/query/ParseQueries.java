package io.fhs.jobs.query;

import io.fhs.connectors.kafka.KafkaRecord;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Parses queries; a bad one flows on as an error result, so it still gets an answer. */
@Internal
public final class ParseQueries extends ProcessFunction<KafkaRecord, QueryWork> {
    private static final long serialVersionUID = 1L;

    private final QueryParser parser;
    private transient Counter invalid;

    public ParseQueries(QueryParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext context) {
        invalid = getRuntimeContext().getMetricGroup().counter("invalidQueries");
    }

    @Override
    public void processElement(KafkaRecord record, Context ctx, Collector<QueryWork> out) {
        try {
            out.collect(QueryWork.of(parser.parse(record)));
        } catch (QueryParser.Invalid e) {
            invalid.inc();
            String id = e.queryId() != null ? e.queryId() : "unknown@" + record;
            out.collect(QueryWork.invalid(id, e.getMessage()));
        }
    }
}
