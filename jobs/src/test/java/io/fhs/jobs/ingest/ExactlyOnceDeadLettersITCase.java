package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ingest.dead-letter.guarantee: exactly-once} across a failover: the job fails after it has
 * sent letters in a transaction that no checkpoint has committed yet, restarts from the last
 * checkpoint and sends them again; a read_committed consumer sees every bad record's letter once.
 */
class ExactlyOnceDeadLettersITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "eos";
    static final int RECORDS = 400;

    @Test
    void aFailoverNeitherLosesNorRepeatsACommittedLetter() throws Exception {
        List<TextRecord> docs = JsonLines.read(TestData.cacmCorpus());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<Long> badOffsets = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String value;
            if (i % 10 == 7) {
                value = "{\"text\": \"not json"; // cut off: refused by validation
                badOffsets.add((long) i);
            } else {
                value = JSON.createObjectNode().put("text", docs.get(i).text()).toString();
            }
            records.add(IngestHarness.record(TOPIC, "doc-" + i, value));
        }
        IngestHarness.produce(KAFKA, TOPIC, records);

        Configuration conf = IngestHarness.conf(TOPIC, "eos", QDRANT.connection(), KAFKA);
        conf.set(IngestOptions.DEAD_LETTER_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE);
        StreamExecutionEnvironment env = IngestHarness.failoverEnvironment();
        IngestHarness.runBounded(
                conf,
                1,
                env,
                s -> s.map(new InjectedFailure("eos", 250)).name("fail-once").uid("fail-once"));
        assertThat(InjectedFailure.happened("eos")).as("the failure was injected").isTrue();

        Map<Long, Integer> lettersBySourceOffset = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(TOPIC + "-dlq")) {
            JsonNode letter = JSON.readTree(r.value());
            assertThat(letter.path("stage").asText()).isEqualTo("validate");
            lettersBySourceOffset.merge(
                    letter.path("source").path("offset").asLong(), 1, Integer::sum);
        }
        assertThat(lettersBySourceOffset.keySet()).containsExactlyElementsOf(badOffsets);
        assertThat(lettersBySourceOffset.values()).as("letters per bad record").containsOnly(1);
    }

    /**
     * Everything a read_committed consumer can see in {@code topic}: read until its position
     * reaches the end offsets, which for such a consumer is the last stable offset (no open
     * transaction is left once the bounded job has finished).
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties p = KAFKA.clientProperties();
        p.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime() - deadline)
                        .as("reading %s to its end", topic)
                        .isNegative();
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
