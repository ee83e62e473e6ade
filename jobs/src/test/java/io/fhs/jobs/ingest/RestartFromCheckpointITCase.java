package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.testing.PipelineExtension;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failure mid-stream: the job restarts from its last checkpoint (Kafka offsets and keyed state)
 * and the final Qdrant state equals that of an undisturbed run.
 */
class RestartFromCheckpointITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static Map<String, float[]> points(QdrantClient client, String collection) {
        Map<String, float[]> out = new HashMap<>();
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.enable(false),
                true,
                p -> out.put(p.getId().getUuid(), StoredPoints.dense(p, "dense")));
        return out;
    }

    @Test
    void aRestartFromCheckpointLeavesTheSameStateAsAnUndisturbedRun() throws Exception {
        List<TextRecord> docs =
                JsonLines.read(
                        Path.of(
                                System.getProperty("fhs.root", ".."),
                                "..",
                                "shared",
                                "data",
                                "cacm",
                                "corpus.jsonl"));
        ObjectMapper json = new ObjectMapper();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            TextRecord d = docs.get(i);
            records.add(
                    IngestHarness.record(
                            "restart",
                            d.id(),
                            json.createObjectNode().put("text", d.text()).toString()));
        }
        IngestHarness.produce(KAFKA, "restart", records);

        Configuration undisturbed =
                IngestHarness.conf("restart", "undisturbed", QDRANT.connection(), KAFKA);
        IngestHarness.runBounded(undisturbed, QDRANT.connection(), 2);

        StreamExecutionEnvironment env = IngestHarness.failoverEnvironment();
        Configuration failing =
                IngestHarness.conf("restart", "restarted", QDRANT.connection(), KAFKA);
        failing.set(IngestOptions.GROUP_ID, "restarted");
        IngestHarness.runBounded(
                failing,
                2,
                env,
                s -> s.map(new InjectedFailure("restart", 250)).name("fail-once").uid("fail-once"));
        assertThat(InjectedFailure.happened("restart")).as("the failure was injected").isTrue();

        try (QdrantClient client = QDRANT.connection().open()) {
            Map<String, float[]> a = points(client, "undisturbed");
            Map<String, float[]> b = points(client, "restarted");
            assertThat(a).hasSizeGreaterThanOrEqualTo(600);
            assertThat(b.keySet()).isEqualTo(a.keySet());
            for (Map.Entry<String, float[]> e : a.entrySet()) {
                float[] other = b.get(e.getKey());
                for (int i = 0; i < other.length; i++) {
                    assertThat(other[i]).isCloseTo(e.getValue()[i], within(1e-5f));
                }
            }
        }
    }
}
