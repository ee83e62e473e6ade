package io.fhs.cli.progress;

import io.fhs.connectors.kafka.KafkaProperties;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records a bounded ingest job will read: per partition of the input topic, from where the
 * job's source starts (the group's committed offset, else the earliest) to the end offset now.
 */
public final class IngestBacklog {
    private IngestBacklog() {}

    /**
     * The records between the group's position and the end of the topic, over all partitions (as
     * offsets: a transactional producer's commit markers count too); each call to Kafka waits at
     * most {@code kafka.check-timeout}.
     */
    public static long records(Configuration conf) {
        String topic = conf.get(IngestOptions.TOPIC);
        long timeout = conf.get(KafkaProperties.CHECK_TIMEOUT).toMillis();
        try (Admin admin = Admin.create(KafkaOptions.properties(conf))) {
            List<TopicPartition> partitions = partitions(admin, topic, timeout);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(conf.get(IngestOptions.GROUP_ID))
                            .partitionsToOffsetAndMetadata()
                            .get(timeout, TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> earliest =
                    offsets(admin, partitions, OffsetSpec.earliest(), timeout);
            Map<TopicPartition, ListOffsetsResultInfo> latest =
                    offsets(admin, partitions, OffsetSpec.latest(), timeout);
            long records = 0;
            for (TopicPartition p : partitions) {
                long from = earliest.get(p).offset();
                OffsetAndMetadata c = committed.get(p);
                if (c != null) {
                    // Retention may have deleted records the group never read.
                    from = Math.max(from, c.offset());
                }
                records += Math.max(0, latest.get(p).offset() - from);
            }
            return records;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestBacklogException(topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IngestBacklogException(topic, e);
        }
    }

    private static List<TopicPartition> partitions(Admin admin, String topic, long timeoutMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(timeoutMillis, TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions()
                .stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
    }

    /**
     * The sum of the topic's end offsets over its partitions now: how far a bounded read that
     * starts now reads, and, compared later, how many records arrived in between.
     */
    public static long endOffsets(Configuration conf) {
        String topic = conf.get(IngestOptions.TOPIC);
        long timeout = conf.get(KafkaProperties.CHECK_TIMEOUT).toMillis();
        try (Admin admin = Admin.create(KafkaOptions.properties(conf))) {
            List<TopicPartition> partitions = partitions(admin, topic, timeout);
            long sum = 0;
            for (ListOffsetsResultInfo end :
                    offsets(admin, partitions, OffsetSpec.latest(), timeout).values()) {
                sum += end.offset();
            }
            return sum;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestBacklogException(topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IngestBacklogException(topic, e);
        }
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(
            Admin admin, List<TopicPartition> partitions, OffsetSpec spec, long timeoutMillis)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
        partitions.forEach(p -> asked.put(p, spec));
        return admin.listOffsets(asked).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The topic's offsets could not be read. */
    public static final class IngestBacklogException extends RuntimeException {
        IngestBacklogException(String topic, Throwable cause) {
            super("Cannot read the offsets of topic " + topic + ": " + cause.getMessage(), cause);
        }
    }
}
