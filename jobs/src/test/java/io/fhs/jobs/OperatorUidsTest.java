package io.fhs.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.query.QueryJob;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.operators.quantize.VectorQuantization;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * A savepoint finds its state by operator uid: an operator without one gets a uid generated from
 * the graph's shape, so a new job jar with one more operator could not resume the old state. Both
 * production graphs (Kafka wiring included) must name every operator.
 */
class OperatorUidsTest {

    @Test
    void everyOperatorOfTheIngestJobHasAStableUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        IngestJob.buildFromKafka(env, new Configuration(), false);
        assertThat(uids(env))
                .as("operator -> uid")
                .doesNotContainValue(null)
                .containsValues(
                        "kafka-source", "validate", "version-gate", "chunk", "encode", "qdrant");
    }

    @Test
    void everyOperatorOfTheQueryJobHasAStableUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = new Configuration();
        QueryJob.buildFromKafka(
                env, conf, false, QuerySettings.from(conf, VectorQuantization.none()));
        assertThat(uids(env))
                .as("operator -> uid")
                .doesNotContainValue(null)
                .containsValue("kafka-source");
    }

    /** Each node of the job's stream graph (the operators a savepoint holds state for). */
    private static Map<String, String> uids(StreamExecutionEnvironment env) {
        Map<String, String> uids = new TreeMap<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            uids.put(node.getId() + " " + node.getOperatorName(), node.getTransformationUID());
        }
        return uids;
    }
}
