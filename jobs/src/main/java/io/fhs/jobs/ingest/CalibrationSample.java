package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The texts that calibrate int8 ranges: the chunks of the first documents on the input topic, cut
 * exactly as the job will cut them, so the ranges describe what gets stored. Read once, by the
 * client that sets the job up, before the job starts.
 */
@Internal
public final class CalibrationSample {
    private CalibrationSample() {}

    /** Up to {@code quantization.calibration-samples} chunk texts from the start of the topic. */
    public static List<String> fromTopic(Configuration conf) {
        int wanted = conf.get(IngestOptions.CALIBRATION_SAMPLES);
        List<KafkaRecord> records = readFromStart(conf, wanted);
        return chunkTexts(conf, records, wanted);
    }

    /** The chunk texts of the valid upserts among {@code records}, at most {@code limit}. */
    public static List<String> chunkTexts(
            Configuration conf, List<KafkaRecord> records, int limit) {
        DocumentParser parser = new DocumentParser(conf);
        List<String> texts = new ArrayList<>();
        try (Chunker chunker =
                Chunker.forDocuments(
                        ModelLocator.resolve(conf.get(ModelOptions.DENSE)),
                        conf.get(ChunkOptions.OVERLAP_TOKENS))) {
            for (KafkaRecord r : records) {
                DocumentEvent doc;
                try {
                    doc = parser.parse(r);
                } catch (DocumentParser.Invalid e) {
                    continue; // The job sends it to the dead-letter topic; it calibrates nothing.
                }
                if (doc.op() != DocumentEvent.Op.UPSERT) {
                    continue;
                }
                for (Chunk c : chunker.chunk(doc.text())) {
                    texts.add(ChunkFunction.encodeText(doc.title(), c.text()));
                    if (texts.size() >= limit) {
                        return texts;
                    }
                }
            }
        }
        return texts;
    }

    // Reads from the beginning of every partition until enough records, the end of the topic as
    // it is now, or the calibration timeout.
    private static List<KafkaRecord> readFromStart(Configuration conf, int wanted) {
        String topic = conf.get(IngestOptions.TOPIC);
        Properties p = KafkaOptions.properties(conf);
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "500");
        long deadline = System.nanoTime() + conf.get(IngestOptions.CALIBRATION_TIMEOUT).toNanos();
        List<KafkaRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer
                            .partitionsFor(topic, Duration.ofMillis(remainingMillis(deadline)))
                            .stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // Documents are spread over partitions; reading "enough" from one alone is fine for
            // ranges, which only need a representative sample.
            while (out.size() < wanted && System.nanoTime() < deadline && !atEnd(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(
                            new KafkaRecord(
                                    r.topic(),
                                    r.partition(),
                                    r.offset(),
                                    r.timestamp(),
                                    r.key(),
                                    r.value()));
                }
            }
        }
        return out;
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }
}
