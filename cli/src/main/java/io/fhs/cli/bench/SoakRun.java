package io.fhs.cli.bench;

import io.fhs.cli.local.LocalJobRun;
import io.fhs.cli.progress.IngestBacklog;
import io.fhs.connectors.qdrant.Tombstones;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.QdrantClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A soak: the ingest job and the query job running unbounded side by side in this JVM (each on its
 * own local MiniCluster, parallelism 1), documents sent at a fixed rate ({@link SoakFeeder}) and
 * queries at another ({@link QueryBenchmark}); {@link #sample} takes the figures of the moment,
 * {@link #drain} stops the input and does the accounting.
 */
public final class SoakRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SoakRun.class);
    private static final long WARM_UP_TIMEOUT_MS = 180_000;
    private static final Duration DRAIN_POLL = Duration.ofSeconds(2);
    private static final double MB = 1024.0 * 1024.0;

    /**
     * One row of the soak's table. Memory in MB (NaN when unknown); freshness percentiles in ms of
     * the documents that became visible since the previous sample (-1 when none did).
     */
    public record Sample(
            double minute,
            long records,
            double heapMb,
            double rssMb,
            double qdrantRssMb,
            long points,
            long lag,
            int freshDocs,
            long freshP50,
            long freshP99,
            long queriesSent,
            long queriesAnswered) {}

    private final Configuration ingest;
    private final Configuration query;
    private final List<TextRecord> corpus;
    private final List<String> queries;
    private final double rate;
    private final int idSpace;
    private final double queryRate;
    private final OptionalLong qdrantPid;
    private final String collection;
    private final QdrantClient client;
    private final AtomicReference<Exception> queryFailure = new AtomicReference<>();
    private SoakFeeder feeder;
    private JobClient ingestJob;
    private CompletableFuture<JobExecutionResult> ingestResult;
    private QueryBenchmark queryJob;
    private Thread queryThread;
    private volatile boolean asking = true;

    public SoakRun(
            Configuration ingest,
            Configuration query,
            List<TextRecord> corpus,
            List<String> queries,
            double rate,
            int idSpace,
            double queryRate,
            OptionalLong qdrantPid) {
        this.ingest = ingest;
        this.query = query;
        this.corpus = corpus;
        this.queries = queries;
        this.rate = rate;
        this.idSpace = idSpace;
        this.queryRate = queryRate;
        this.qdrantPid = qdrantPid;
        this.collection = ingest.get(QdrantOptions.COLLECTION);
        this.client = QdrantOptions.connection(ingest).open();
    }

    /**
     * Starts the ingest job and waits for its first document, then the query job (which needs the
     * collection), then the input.
     */
    public void start() throws Exception {
        feeder = new SoakFeeder(ingest, corpus, rate, idSpace, client);
        feeder.sendWarmUp();
        CollectionLayout.prepare(ingest);
        StreamExecutionEnvironment env = LocalJobRun.environment(ingest, 1);
        IngestJob.buildFromKafka(env, ingest, false);
        ingestJob = env.executeAsync("fhs-soak-ingest");
        // Asked for once, as IngestBenchmark does: a status call after the end would fail.
        ingestResult = ingestJob.getJobExecutionResult();
        feeder.awaitVisible(WARM_UP_TIMEOUT_MS);
        queryJob = new QueryBenchmark(query);
        queryThread = new Thread(this::ask, "soak-queries");
        queryThread.setDaemon(true);
        queryThread.start();
        feeder.start();
    }

    // Batches of ten seconds' queries: each run() ends by waiting for its answers.
    private void ask() {
        int batch = (int) Math.max(1, Math.ceil(queryRate * 10));
        int next = 0;
        try {
            while (asking) {
                List<String> texts = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    texts.add(queries.get(next++ % queries.size()));
                }
                queryJob.run(texts, queryRate, false, n -> {});
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            queryFailure.compareAndSet(null, e);
        }
    }

    /** The figures now; throws when the ingest job, the feeder or the queries failed. */
    public Sample sample(double minute) throws Exception {
        checkRunning();
        double heap = ProcessMemory.heapAfterGc() / MB;
        double rss = ProcessMemory.ownRss().orElse(-1) / MB;
        double qdrant =
                qdrantPid.isPresent()
                        ? ProcessMemory.rss(qdrantPid.getAsLong()).orElse(-1) / MB
                        : Double.NaN;
        long points = points();
        long lag = IngestBacklog.records(ingest);
        long[] fresh =
                feeder.takeFreshness().stream()
                        .mapToLong(FreshnessProbe.Sample::latencyMs)
                        .sorted()
                        .toArray();
        FreshnessProbe.Latencies l = new FreshnessProbe.Latencies(fresh, rate, List.of());
        return new Sample(
                minute,
                feeder.sent(),
                heap,
                rss < 0 ? Double.NaN : rss,
                qdrant < 0 ? Double.NaN : qdrant,
                points,
                lag,
                fresh.length,
                fresh.length == 0 ? -1 : l.percentile(50),
                fresh.length == 0 ? -1 : l.percentile(99),
                queryJob.sent(),
                queryJob.answered());
    }

    private void checkRunning() throws Exception {
        if (ingestResult.isDone()) {
            ingestResult.get(); // the job's failure, if it failed
            throw new SoakException("The ingest job ended during the soak");
        }
        feeder.check();
        Exception e = queryFailure.get();
        if (e != null) {
            throw new SoakException("Sending queries failed: " + e.getMessage(), e);
        }
    }

    private long points() {
        return Tombstones.countLive(client, collection);
    }

    /**
     * Stops the documents and the queries (the last batch of queries gets its answers), then polls
     * until the job has committed the whole topic and the books balance, or {@code timeout} passes;
     * returns the last accounting either way.
     */
    public SoakLedger.Accounting drain(Duration timeout) throws Exception {
        SoakLedger ledger = feeder.stop();
        asking = false;
        queryThread.join();
        checkRunning();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (IndexAudit audit =
                new IndexAudit(
                        ingest.get(ModelOptions.DENSE), ingest.get(ChunkOptions.OVERLAP_TOKENS))) {
            while (true) {
                SoakLedger.Accounting books = account(ledger, audit);
                if (books.balanced() || System.nanoTime() > deadline) {
                    return books;
                }
                LOG.info("Draining: {}", books.problems());
                Thread.sleep(DRAIN_POLL.toMillis());
            }
        }
    }

    private SoakLedger.Accounting account(SoakLedger ledger, IndexAudit audit) {
        long lag = IngestBacklog.records(ingest);
        // Until the job has read everything an audit would only count what is on its way.
        IndexAudit.Report index = lag > 0 ? null : audit.audit(client, collection, ledger.live());
        return ledger.account(
                lag,
                index,
                DeadLetterKeys.read(ingest),
                queryJob.sent(),
                queryJob.answered(),
                queryJob.errors());
    }

    @Override
    public void close() throws Exception {
        asking = false;
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable part : Arrays.asList(queryJob, feeder, this::cancelIngest, client)) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
            throw failures.get(0);
        }
    }

    private void cancelIngest() throws Exception {
        if (ingestJob != null && !ingestResult.isDone()) {
            ingestJob.cancel().get();
        }
    }
}
