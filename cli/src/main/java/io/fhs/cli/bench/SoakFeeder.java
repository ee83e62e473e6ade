package io.fhs.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends a soak's documents at a fixed rate on its own thread: documents under ids cycling a bounded
 * id space (texts cycling the corpus), and among them every tenth record an update of an indexed
 * document, every twentieth a delete, every fiftieth a record the job must dead-letter (an empty
 * text). The id space is bounded as a long-running index's is: once every id has been written,
 * state and points stop growing and what is left to grow is a leak. Between sends it looks up the
 * written versions in Qdrant ({@link FreshnessProbe#poll}) for their freshness. The {@link
 * SoakLedger} keeps what the job must make of it all.
 */
final class SoakFeeder implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MS = 20;
    // Deletes wait until a few documents are indexed, so that updates have some to pick from too.
    private static final int MIN_VISIBLE_FOR_DELETE = 10;

    private final Configuration conf;
    private final List<TextRecord> corpus;
    private final double rate;
    private final int idSpace;
    private final QdrantClient client;
    private final String collection;
    private final KafkaProducer<byte[], byte[]> producer;
    private final SoakLedger ledger = new SoakLedger();
    private final Random random = new Random(42);
    // Versions sent and not yet seen in Qdrant: id -> Kafka append time (set by the callback), and
    // id -> the version to wait for.
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final Map<String, Long> pendingVersion = new ConcurrentHashMap<>();
    private final List<FreshnessProbe.Sample> freshness = new ArrayList<>();
    // Indexed and not deleted: what updates and deletes pick from (the set keeps the list free of
    // repeats when an id comes round again).
    private final List<String> visible = new ArrayList<>();
    private final Set<String> visibleIds = new HashSet<>();
    private long written;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param idSpace how many distinct ids the documents cycle through
     */
    SoakFeeder(
            Configuration conf,
            List<TextRecord> corpus,
            double rate,
            int idSpace,
            QdrantClient client) {
        this.conf = conf;
        this.corpus = corpus;
        this.rate = rate;
        this.idSpace = idSpace;
        this.client = client;
        this.collection = conf.get(QdrantOptions.COLLECTION);
        Properties p = KafkaOptions.properties(conf);
        p.put("linger.ms", "0");
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends one document and waits until Kafka has it: the topic exists for the job's source, and
     * {@link #awaitVisible} tells when the job has started and loaded its models.
     */
    void sendWarmUp() throws Exception {
        upsert("soak-warmup", corpus.get(0), 0);
        producer.flush();
        if (failure.get() != null) {
            throw new SoakException("The warm-up document was not sent", failure.get());
        }
    }

    /** Polls until every document sent so far is visible, or {@code timeoutMs} passes. */
    void awaitVisible(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!pending.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new SoakException(
                        pending.size() + " documents not visible after " + timeoutMs + " ms");
            }
            pollVisible();
            Thread.sleep(POLL_MS);
        }
    }

    void start() {
        thread = new Thread(this::feed, "soak-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    private void feed() {
        try {
            long start = System.nanoTime();
            long period = (long) (1e9 / rate);
            long n = 0;
            while (running) {
                long due = start + n * period;
                if (System.nanoTime() >= due) {
                    sendRecord(n++);
                } else {
                    pollVisible();
                    Thread.sleep(
                            Math.min(POLL_MS, Math.max(0, (due - System.nanoTime()) / 1_000_000)));
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Record {@code n} of the mix; its version is {@code n + 1} (the warm-up has 0). */
    private void sendRecord(long n) {
        long version = n + 1;
        if (n % 50 == 49) {
            String id = "soak-bad-" + n;
            ledger.bad(id);
            send(id, JSON.createObjectNode().put("id", id).put("text", "").put("version", version));
        } else if (n % 20 == 7 && visible.size() >= MIN_VISIBLE_FOR_DELETE) {
            String id = takeVisible();
            ledger.delete(id);
            // A version still awaited will never show: the document is gone.
            pendingVersion.remove(id);
            pending.remove(id);
            send(
                    id,
                    JSON.createObjectNode()
                            .put("id", id)
                            .put("op", "delete")
                            .put("version", version));
        } else if (n % 10 == 3 && !visible.isEmpty()) {
            String id = visible.get(random.nextInt(visible.size()));
            // Another corpus text: new chunks, possibly fewer, so old tails must go too.
            TextRecord other = corpus.get((int) ((n * 7 + 1) % corpus.size()));
            update(id, other, version);
        } else {
            String id = "soak-" + (written++ % idSpace);
            upsert(id, corpus.get((int) (n % corpus.size())), version);
        }
        sent.incrementAndGet();
    }

    /**
     * A document under the next id, whose freshness is measured: the time until its version shows
     * (unless the job must skip it as unchanged, when no version will).
     */
    private void upsert(String id, TextRecord doc, long version) {
        boolean written = ledger.upsert(new IndexAudit.Doc(id, title(doc), doc.text(), version));
        CompletableFuture<Long> appended = send(id, upsertJson(id, doc, version));
        // An id that comes round again before its last version showed keeps that one's entry: a
        // job slower than the id cycle would otherwise never be seen to catch up with any.
        if (written && pendingVersion.putIfAbsent(id, version) == null) {
            appended.whenComplete(
                    (appendedMs, error) -> {
                        if (error == null && pendingVersion.getOrDefault(id, -1L) == version) {
                            pending.put(id, appendedMs);
                        }
                    });
        }
    }

    /** An update of an indexed document; its freshness is not measured. */
    private void update(String id, TextRecord doc, long version) {
        ledger.upsert(new IndexAudit.Doc(id, title(doc), doc.text(), version));
        send(id, upsertJson(id, doc, version));
    }

    private static ObjectNode upsertJson(String id, TextRecord doc, long version) {
        ObjectNode value = JSON.createObjectNode().put("id", id).put("title", title(doc));
        return value.put("text", doc.text()).put("version", version);
    }

    private static String title(TextRecord doc) {
        return doc.title() == null ? "" : doc.title();
    }

    private String takeVisible() {
        int i = random.nextInt(visible.size());
        String id = visible.get(i);
        visible.set(i, visible.get(visible.size() - 1));
        visible.remove(visible.size() - 1);
        visibleIds.remove(id);
        return id;
    }

    private CompletableFuture<Long> send(String id, ObjectNode value) {
        CompletableFuture<Long> appended = new CompletableFuture<>();
        producer.send(
                new ProducerRecord<>(
                        conf.get(IngestOptions.TOPIC),
                        id.getBytes(StandardCharsets.UTF_8),
                        value.toString().getBytes(StandardCharsets.UTF_8)),
                (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                        appended.completeExceptionally(error);
                    } else {
                        appended.complete(metadata.timestamp());
                    }
                });
        return appended;
    }

    private void pollVisible() {
        if (pending.isEmpty()) {
            return;
        }
        Set<String> before = new HashSet<>(pending.keySet());
        List<FreshnessProbe.Sample> found = new ArrayList<>();
        FreshnessProbe.poll(client, collection, pending, pendingVersion, found);
        before.removeAll(pending.keySet());
        for (String id : before) {
            pendingVersion.remove(id);
            if (visibleIds.add(id)) {
                visible.add(id);
            }
        }
        synchronized (freshness) {
            freshness.addAll(found);
        }
    }

    /** Records sent since {@link #start}. */
    long sent() {
        return sent.get();
    }

    /** The freshness samples since the last call. */
    List<FreshnessProbe.Sample> takeFreshness() {
        synchronized (freshness) {
            List<FreshnessProbe.Sample> out = List.copyOf(freshness);
            freshness.clear();
            return out;
        }
    }

    /** Throws what stopped the feeder or a send, if anything did. */
    void check() {
        Exception e = failure.get();
        if (e != null) {
            throw new SoakException("Sending documents failed: " + e.getMessage(), e);
        }
    }

    /** Stops sending (what was sent is flushed); the ledger is complete once this returns. */
    SoakLedger stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join();
        }
        check();
        return ledger;
    }

    @Override
    public void close() {
        running = false;
        producer.close();
    }
}
