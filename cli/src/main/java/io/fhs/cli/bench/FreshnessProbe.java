package io.fhs.cli.bench;

import io.fhs.connectors.qdrant.PointIds;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Freshness: milliseconds from a document's Kafka append (its record timestamp) to its first point
 * being returned by Qdrant, at a fixed input rate, with the ingest job running unbounded. Points
 * are looked up by id every few milliseconds, so the figures include up to one poll interval.
 */
public final class FreshnessProbe {
    private static final long POLL_MS = 5;

    private FreshnessProbe() {}

    /** One document: when Kafka appended it, and how long until its point was visible. */
    public record Sample(long appendedMs, long latencyMs) {}

    /** Latencies in ms, sorted, with summary helpers; the samples in the order they were seen. */
    public record Latencies(long[] sortedMs, double rate, List<Sample> samples) {
        public long percentile(double p) {
            int i = (int) Math.ceil(p / 100.0 * sortedMs.length) - 1;
            return sortedMs[Math.max(0, Math.min(sortedMs.length - 1, i))];
        }
    }

    /**
     * Sends {@code docs} (under fresh ids) at {@code rate} per second to the topic of {@code conf}
     * while the job runs, and measures each one's time to visibility.
     */
    public static Latencies run(Configuration conf, List<TextRecord> docs, double rate)
            throws Exception {
        Properties p = KafkaOptions.properties(conf);
        p.put("linger.ms", "0");
        String collection = conf.get(QdrantOptions.COLLECTION);
        JobClient job = null;
        try (QdrantClient client = QdrantOptions.connection(conf).open();
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                p, new ByteArraySerializer(), new ByteArraySerializer())) {
            // The warm-up document creates the topic (the source needs it to exist) and, once
            // visible, shows that the job has started and loaded its models.
            Map<String, Long> warm = new ConcurrentHashMap<>();
            send(producer, conf, docs.get(0), "warmup", warm);
            producer.flush();
            CollectionLayout.prepare(conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            IngestJob.buildFromKafka(env, conf, false);
            job = env.executeAsync("fhs-bench-freshness");
            awaitVisible(client, collection, warm, new ArrayList<>(), 120_000);

            Map<String, Long> pending = new ConcurrentHashMap<>();
            List<Sample> latencies = new ArrayList<>();
            long start = System.nanoTime();
            long periodNanos = (long) (1e9 / rate);
            int sent = 0;
            while (sent < docs.size()) {
                long due = start + sent * periodNanos;
                if (System.nanoTime() >= due) {
                    send(producer, conf, docs.get(sent), "fresh-" + sent, pending);
                    sent++;
                } else {
                    poll(client, collection, pending, latencies);
                    Thread.sleep(
                            Math.min(POLL_MS, Math.max(0, (due - System.nanoTime()) / 1_000_000)));
                }
            }
            awaitVisible(client, collection, pending, latencies, 60_000);
            long[] sorted = latencies.stream().mapToLong(Sample::latencyMs).toArray();
            Arrays.sort(sorted);
            return new Latencies(sorted, rate, List.copyOf(latencies));
        } finally {
            if (job != null) {
                job.cancel().get();
            }
        }
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            Configuration conf,
            TextRecord doc,
            String id,
            Map<String, Long> pending) {
        TextRecord renamed = new TextRecord(id, doc.title(), doc.text());
        producer.send(
                new ProducerRecord<>(
                        conf.get(IngestOptions.TOPIC),
                        id.getBytes(StandardCharsets.UTF_8),
                        renamed.toDocumentJson().getBytes(StandardCharsets.UTF_8)),
                (metadata, error) -> {
                    if (error == null) {
                        pending.put(id, metadata.timestamp());
                    }
                });
    }

    private static void awaitVisible(
            QdrantClient client,
            String collection,
            Map<String, Long> pending,
            List<Sample> latencies,
            long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while ((pending.isEmpty() && latencies.isEmpty()) || !pending.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(
                        pending.size() + " documents not visible after " + timeoutMs + " ms");
            }
            poll(client, collection, pending, latencies);
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Looks up the first point of each pending document; those found leave {@code pending} for
     * {@code out}, with their latency from the append time {@code pending} holds.
     */
    static void poll(
            QdrantClient client, String collection, Map<String, Long> pending, List<Sample> out) {
        poll(client, collection, pending, null, out);
    }

    /**
     * As {@link #poll(QdrantClient, String, Map, List)}, counting a document found only once its
     * first point carries at least the version {@code minVersion} holds for it (when not null).
     */
    static void poll(
            QdrantClient client,
            String collection,
            Map<String, Long> pending,
            Map<String, Long> minVersion,
            List<Sample> out) {
        if (pending.isEmpty()) {
            return;
        }
        List<PointId> ids = new ArrayList<>();
        Map<String, String> byPoint = new HashMap<>();
        for (String docId : pending.keySet()) {
            UUID point = PointIds.of(docId, 0);
            ids.add(PointIdFactory.id(point));
            byPoint.put(point.toString(), docId);
        }
        WithPayloadSelector payload =
                minVersion == null
                        ? WithPayloadSelectorFactory.enable(false)
                        : WithPayloadSelectorFactory.include(List.of("version"));
        List<RetrievedPoint> found =
                QdrantCalls.call(
                        "polling",
                        () ->
                                client.retrieveAsync(
                                        collection,
                                        ids,
                                        payload,
                                        WithVectorsSelectorFactory.enable(false),
                                        null));
        long now = System.currentTimeMillis();
        for (RetrievedPoint r : found) {
            String docId = byPoint.get(r.getId().getUuid());
            if (docId == null || !atLeast(r, minVersion == null ? null : minVersion.get(docId))) {
                continue;
            }
            Long appended = pending.remove(docId);
            if (appended != null) {
                out.add(new Sample(appended, now - appended));
            }
        }
    }

    private static boolean atLeast(RetrievedPoint point, Long version) {
        if (version == null) {
            return true;
        }
        Value v = point.getPayloadMap().get("version");
        return v != null && v.getIntegerValue() >= version;
    }
}
