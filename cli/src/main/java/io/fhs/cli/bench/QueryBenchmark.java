package io.fhs.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.query.QueryJob;
import io.fhs.jobs.query.QueryOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Query latency from the query's Kafka append to its result being read from the results topic, with
 * the query job running (local Flink, parallelism 1) at a fixed rate; and the sustained rate of a
 * burst.
 */
public final class QueryBenchmark implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Configuration conf;
    private final JobClient job;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final Map<String, Long> latencies = new ConcurrentHashMap<>();
    private final Map<String, Reported> reported = new ConcurrentHashMap<>();
    private volatile List<String> lastIds = List.of();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;
    private int next;

    public QueryBenchmark(Configuration conf) throws Exception {
        this.conf = conf;
        Properties p = KafkaOptions.properties(conf);
        p.put("linger.ms", "0");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        // Creates the topic before the job's source looks for it.
        producer.send(record("warmup-0", "warm up", false)).get();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        QueryJob.buildFromKafka(env, conf, false);
        job = env.executeAsync("fhs-bench-query");
        reader = new Thread(this::read, "bench-results");
        reader.setDaemon(true);
        reader.start();
    }

    private ProducerRecord<byte[], byte[]> record(String id, String text, boolean rerank) {
        String json =
                JSON.createObjectNode()
                        .put("query_id", id)
                        .put("text", text)
                        .put("rerank", rerank)
                        .toString();
        return new ProducerRecord<>(
                conf.get(QueryOptions.TOPIC),
                id.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private void read() {
        Properties c = KafkaOptions.properties(conf);
        c.put("group.id", "bench-" + System.nanoTime());
        c.put("auto.offset.reset", "earliest");
        c.put("fetch.max.wait.ms", "5");

        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(conf.get(QueryOptions.RESULTS_TOPIC)));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    Long t = sent.get(id);
                    if (t != null) {
                        latencies.put(id, now - t);
                    }
                    try {
                        JsonNode result = JSON.readTree(r.value());
                        if (result.has("error")) {
                            errors.add(id);
                        }
                        reported.put(id, Reported.of(result));
                    } catch (IOException e) {
                        errors.add(id);
                    }
                }
            }
        }
    }

    /**
     * Sends {@code queries} at {@code rate} per second; returns their latencies, sorted. {@code
     * answered} hears how many have their result, now and then.
     */
    public long[] run(List<String> queries, double rate, boolean rerank, LongConsumer answered)
            throws Exception {
        // Ids are never reused: what the reader adds from now on answers this run.
        int before = latencies.size();
        List<String> ids = new ArrayList<>();
        long start = System.nanoTime();
        long period = rate > 0 ? (long) (1e9 / rate) : 0;
        for (int i = 0; i < queries.size(); i++) {
            long wait = start + i * period - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String id = "q" + (next++);
            ids.add(id);
            // The producer stamps the record (CreateTime) in send(); noting the time before it
            // cannot lose a race with a result that arrives before the send callback runs.
            sent.put(id, System.currentTimeMillis());
            producer.send(record(id, queries.get(i), rerank));
            answered.accept(latencies.size() - before);
        }
        producer.flush();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline
                && ids.stream().anyMatch(id -> !latencies.containsKey(id))) {
            Thread.sleep(20);
            answered.accept(latencies.size() - before);
        }
        lastIds = ids;
        long[] out =
                ids.stream().filter(latencies::containsKey).mapToLong(latencies::get).toArray();
        Arrays.sort(out);
        return out;
    }

    /** Seconds from the first send to the last result of a burst of {@code queries}. */
    public double burst(List<String> queries, LongConsumer answered) throws Exception {
        long start = System.currentTimeMillis();
        run(queries, 0, false, answered);
        return (System.currentTimeMillis() - start) / 1e3;
    }

    /**
     * Where the last run's queries spent their time, from the timings each result reports and the
     * end-to-end latency measured here.
     */
    public Breakdown breakdown() {
        List<long[]> rows = new ArrayList<>();
        int cached = 0;
        for (String id : lastIds) {
            Reported r = reported.get(id);
            Long e2e = latencies.get(id);
            if (r == null || e2e == null) {
                continue;
            }
            cached += r.cached() ? 1 : 0;
            long inJob = r.encode() + r.search() + r.rerank();
            rows.add(
                    new long[] {
                        r.encode(),
                        r.search(),
                        r.rerank(),
                        Math.max(0, r.total() - inJob),
                        Math.max(0, e2e - r.total())
                    });
        }
        return new Breakdown(rows, cached);
    }

    /** What a result said about itself: its stage timings and whether its encoding was cached. */
    private record Reported(long encode, long search, long rerank, long total, boolean cached) {
        static Reported of(JsonNode result) {
            JsonNode t = result.path("timings_ms");
            return new Reported(
                    t.path("encode").asLong(),
                    t.path("search").asLong(),
                    t.path("rerank").asLong(),
                    t.path("total").asLong(),
                    result.path("cached_encoding").asBoolean(false));
        }
    }

    /**
     * Per query: encode (its batch's encoder call), search, rerank, the rest of its time in the job
     * (parsing, waiting for a batch or a free async slot, collapsing, serializing) and the rest end
     * to end (Kafka both ways, the result reader's poll).
     */
    public record Breakdown(List<long[]> rows, int cached) {
        public static final List<String> STAGES =
                List.of("encode", "search", "rerank", "other in job", "kafka + client");

        /** The {@code p}-th percentile of stage {@code stage} (an index into {@link #STAGES}). */
        public long percentile(int stage, double p) {
            long[] ms = rows.stream().mapToLong(r -> r[stage]).sorted().toArray();
            return ms.length == 0 ? 0 : QueryBenchmark.percentile(ms, p);
        }

        public double mean(int stage) {
            return rows.stream().mapToLong(r -> r[stage]).average().orElse(0);
        }

        public double cacheHitRate() {
            return rows.isEmpty() ? 0 : (double) cached / rows.size();
        }
    }

    /** Queries sent by {@link #run} so far. */
    public int sent() {
        return sent.size();
    }

    /** Queries sent by {@link #run} whose result has been read. */
    public int answered() {
        return latencies.size();
    }

    public int errors() {
        return errors.size();
    }

    public static long percentile(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        try {
            job.cancel().get();
        } finally {
            producer.close();
        }
    }
}
