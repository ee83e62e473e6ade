package io.fhs.jobs.ingest;

import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.jobs.collection.ReindexMarker;
import io.fhs.jobs.options.EncodeOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.reindex.ReindexOptions;
import io.qdrant.client.QdrantClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job's part in a live reindex: while the collection it writes names a pending reindex
 * target ({@link ReindexMarker}), every document change that passes the version gate is also
 * chunked and encoded with the target's models and written (guarded by version) to the target, so
 * that the new collection stays current while {@code fhs reindex} copies the topic into it. Idle
 * (one metadata read per {@link ReindexOptions#POLL_INTERVAL}, off the task thread) otherwise.
 *
 * <p>Writes go out at the latest when a checkpoint flushes the sink, so a restored job replays what
 * the target may have missed; upserts are idempotent and version guards keep older versions out.
 * Records this step cannot chunk or encode are left to the main path, which dead-letters them.
 */
@Internal
public final class ReindexMirror implements Sink<DocumentEvent> {
    private static final long serialVersionUID = 1L;

    private final Configuration conf;

    /** Mirrors the writes of the job {@code conf} configures (its collection: the physical one). */
    public ReindexMirror(Configuration conf) {
        this.conf = new Configuration(conf);
    }

    @Override
    public SinkWriter<DocumentEvent> createWriter(WriterInitContext context) throws IOException {
        return new Writer(conf, context);
    }

    /** Buffers the chunks of mirrored documents; encodes and writes a batch at a time. */
    static final class Writer implements SinkWriter<DocumentEvent> {
        private static final Logger LOG = LoggerFactory.getLogger(ReindexMirror.class);

        private final Configuration conf;
        private final WriterInitContext context;
        private final String source;
        private final int batchSize;
        private final long maxWaitNanos;
        private long bufferedSince;
        private final QdrantClient client;
        private final ScheduledExecutorService poller;
        private final List<ChunkRecord> buffer = new ArrayList<>();
        private volatile String pending;
        private ReindexTargetWriter target;

        Writer(Configuration conf, WriterInitContext context) {
            this.conf = conf;
            this.context = context;
            this.source = conf.get(QdrantOptions.COLLECTION);
            this.batchSize = conf.get(EncodeOptions.BATCH_SIZE);
            this.maxWaitNanos = conf.get(EncodeOptions.MAX_WAIT).toNanos();
            QdrantConnection qdrant = QdrantOptions.connection(conf);
            this.client = qdrant.open();
            this.poller =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "reindex-marker-poll");
                                t.setDaemon(true);
                                return t;
                            });
            Duration every = conf.get(ReindexOptions.POLL_INTERVAL);
            // The first read before any record: a job started during a reindex mirrors at once.
            refresh();
            poller.scheduleWithFixedDelay(
                    this::refresh, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void refresh() {
            try {
                String now = ReindexMarker.target(client, source).orElse(null);
                if (now != null && !now.equals(pending)) {
                    LOG.info("Collection {} is being reindexed into {}: mirroring", source, now);
                }
                pending = now;
            } catch (RuntimeException e) {
                // The last answer stands until Qdrant answers again.
                LOG.warn("Could not read the reindex marker of {}", source, e);
            }
        }

        @Override
        public void write(DocumentEvent doc, Context ctx) throws IOException, InterruptedException {
            String wanted = pending;
            if (wanted == null) {
                return;
            }
            if (target == null || !target.collection().equals(wanted)) {
                drain();
                closeTarget();
                target = ReindexTargetWriter.open(conf, wanted, context);
            }
            if (buffer.isEmpty()) {
                bufferedSince = System.nanoTime();
            }
            buffer.addAll(target.chunk(doc));
            // A quiet topic still reaches the new collection within max-wait of the next record,
            // not only at the next checkpoint.
            if (buffer.size() >= batchSize || System.nanoTime() - bufferedSince > maxWaitNanos) {
                drain();
            }
        }

        private void drain() throws IOException, InterruptedException {
            if (target != null && !buffer.isEmpty()) {
                target.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            drain();
            if (target != null) {
                target.flush();
            }
        }

        private void closeTarget() {
            if (target != null) {
                target.close();
                target = null;
            }
        }

        @Override
        public void close() {
            poller.shutdownNow();
            try {
                closeTarget();
            } finally {
                client.close();
            }
        }
    }
}
