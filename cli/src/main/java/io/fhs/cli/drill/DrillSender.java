package io.fhs.cli.drill;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the drill's records at a fixed rate from a thread of its own, so that a fault strikes while
 * records stream in, and remembers where each bad record landed (partition and offset: what its
 * dead letter's {@code source} must name).
 */
final class DrillSender implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final ExecutorService thread =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "drill-sender");
                        t.setDaemon(true);
                        return t;
                    });
    private final AtomicInteger sent = new AtomicInteger();
    private final Set<String> badRecords = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();

    DrillSender(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // Idempotent with all acks (Kafka's defaults, said explicitly): a retry across a broker
        // restart neither loses nor duplicates a record, so the model's order and offsets hold.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // A broker restart must not fail a send: wait for it rather than give up.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Records handed to the producer so far, counting every slice (the stream's index). */
    int sent() {
        return sent.get();
    }

    /** "partition:offset" of every bad record acknowledged so far. */
    Set<String> badRecords() {
        return Set.copyOf(badRecords);
    }

    /**
     * Sends {@code events} at {@code rate} records a second; completes once all are acknowledged.
     */
    CompletableFuture<Void> sendAsync(List<DrillStream.Event> events, double rate) {
        return CompletableFuture.runAsync(() -> send(events, rate), thread);
    }

    private void send(List<DrillStream.Event> events, double rate) {
        long start = System.nanoTime();
        long periodNanos = (long) (1e9 / rate);
        for (int i = 0; i < events.size(); i++) {
            DrillStream.Event e = events.get(i);
            pace(start + i * periodNanos);
            boolean bad = e.kind() == DrillStream.Kind.BAD;
            producer.send(
                    new ProducerRecord<>(
                            topic, e.key().getBytes(StandardCharsets.UTF_8), e.value()),
                    (metadata, failure) -> {
                        if (failure != null) {
                            failed.incrementAndGet();
                        } else if (bad) {
                            badRecords.add(metadata.partition() + ":" + metadata.offset());
                        }
                    });
            sent.incrementAndGet();
        }
        producer.flush();
        if (failed.get() > 0) {
            // The model counts every record as sent; one Kafka never took voids the audit.
            throw new DrillException(failed.get() + " records were not acknowledged by Kafka");
        }
    }

    // Pacing, not waiting for a condition: the next record is due at a fixed time.
    private static void pace(long dueNanos) {
        long wait = dueNanos - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrillException("interrupted while sending", e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        producer.close();
    }
}
