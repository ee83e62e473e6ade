package io.fhs.cli.bench;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CalibrationSample;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.qdrant.client.QdrantClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * End-to-end ingest throughput (Kafka to searchable in Qdrant) against the bare dense encoder over
 * the same chunk texts. The encoder runs before and after the job and the two are averaged, so a
 * machine that slows down or speeds up during the run does not favour either side.
 */
public final class IngestBenchmark {
    private static final long FINE_POLL_MILLIS = 100;
    private static final long COARSE_POLL_MILLIS = 1_000;

    private IngestBenchmark() {}

    /**
     * When the last of a run's points became visible ({@code seconds} after its start) and when the
     * first did, with how many were visible then.
     */
    public record Window(double seconds, double firstPointSeconds, long pointsAtFirstSight) {
        /** First point visible to last: the rate sustained once points flow. */
        public double chunksPerSecond(long chunks) {
            return (chunks - pointsAtFirstSight) / (seconds - firstPointSeconds);
        }
    }

    /**
     * One throughput measurement: the bare encoder before and after, a new job's run from its
     * submission ({@code jobSeconds}) and the window the steady rate is taken from.
     */
    public record Throughput(
            int docs,
            int chunks,
            double bareSecondsBefore,
            double bareSecondsAfter,
            double jobSeconds,
            Window steady) {

        /** Steady from the new job's own first point to its last. */
        public Throughput(
                int docs,
                int chunks,
                double bareSecondsBefore,
                double bareSecondsAfter,
                double jobSeconds,
                double firstPointSeconds,
                long pointsAtFirstSight) {
            this(
                    docs,
                    chunks,
                    bareSecondsBefore,
                    bareSecondsAfter,
                    jobSeconds,
                    new Window(jobSeconds, firstPointSeconds, pointsAtFirstSight));
        }

        public double bareDocsPerSecond() {
            return docs / ((bareSecondsBefore + bareSecondsAfter) / 2);
        }

        /** Submit to last point visible: start-up (Flink, model loading) included. */
        public double jobDocsPerSecond() {
            return docs / jobSeconds;
        }

        /**
         * The result line; {@link PinnedIngestRun} reads it back from a child's output, so its
         * format is a contract ({@code PinnedIngestRunTest}).
         */
        public String summary() {
            return String.format(
                    Locale.ROOT,
                    "throughput docs/s: bare encoder %.1f, job steady %.1f (ratio %.2f), job"
                            + " incl. start-up %.1f (ratio %.2f)",
                    bareDocsPerSecond(),
                    steadyDocsPerSecond(),
                    steadyDocsPerSecond() / bareDocsPerSecond(),
                    jobDocsPerSecond(),
                    jobDocsPerSecond() / bareDocsPerSecond());
        }

        public double steadyDocsPerSecond() {
            return steady.chunksPerSecond(chunks) * docs / chunks;
        }
    }

    /** The texts the job encodes for {@code docs}: their chunks, cut as the job cuts them. */
    public static List<String> chunkTexts(Configuration conf, List<TextRecord> docs) {
        List<KafkaRecord> records = new ArrayList<>(docs.size());
        for (TextRecord d : docs) {
            records.add(
                    new KafkaRecord(
                            "bench",
                            0,
                            records.size(),
                            0L,
                            d.id().getBytes(StandardCharsets.UTF_8),
                            d.toDocumentJson().getBytes(StandardCharsets.UTF_8)));
        }
        return CalibrationSample.chunkTexts(conf, records, Integer.MAX_VALUE);
    }

    /** How the bare encoder spreads over the cores the JVM may use. */
    public enum BareLayout {
        /** One encode call on as many intra-op threads as cores. */
        ONE_CALL("one call on %d threads"),
        /**
         * As many single-threaded encode calls at once as cores, each over every n-th text (so each
         * share has the corpus's mix of lengths), as the job's single-threaded workers run.
         */
        SIDE_BY_SIDE("%d single-threaded calls side by side");

        private final String label;

        BareLayout(String label) {
            this.label = label;
        }

        public String label(int cores) {
            return String.format(Locale.ROOT, label, cores);
        }
    }

    /** {@link #bareEncoderSeconds(Configuration, List, BareLayout)} in one call. */
    public static double bareEncoderSeconds(Configuration conf, List<String> texts) {
        return bareEncoderSeconds(conf, texts, BareLayout.ONE_CALL);
    }

    /**
     * Seconds the bare dense encoder takes for {@code texts} laid out as {@code layout}, model
     * loading and a warm-up round excluded. It uses as many cores as the JVM may: under {@code
     * taskset} that is the pinned set, where ONNX Runtime's own default would count every core of
     * the machine.
     */
    public static double bareEncoderSeconds(
            Configuration conf, List<String> texts, BareLayout layout) {
        int cores = Runtime.getRuntime().availableProcessors();
        int lanes = layout == BareLayout.SIDE_BY_SIDE ? cores : 1;
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try (DenseEncoder encoder =
                DenseEncoder.open(
                        ModelLocator.resolve(conf.get(ModelOptions.DENSE)),
                        // The peer at its best whatever the job's settings.
                        EncoderOptions.defaults().withIntraOpThreads(cores / lanes))) {
            encodeAtOnce(
                    encoder, texts.subList(0, Math.min(64 * lanes, texts.size())), lanes, pool);
            long start = System.nanoTime();
            encodeAtOnce(encoder, texts, lanes, pool);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void encodeAtOnce(
            DenseEncoder encoder, List<String> texts, int lanes, ExecutorService pool) {
        List<Future<float[][]>> calls = new ArrayList<>(lanes);
        for (int lane = 0; lane < lanes; lane++) {
            List<String> share = new ArrayList<>();
            for (int i = lane; i < texts.size(); i += lanes) {
                share.add(texts.get(i));
            }
            calls.add(pool.submit(() -> encoder.encode(share, Role.DOCUMENT)));
        }
        try {
            for (Future<float[][]> call : calls) {
                call.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the bare encoder ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the bare encoder failed", e.getCause());
        }
    }

    /**
     * How long to wait before counting Qdrant's points again: often around the two moments that are
     * timed (the first point, the last), seldom in between, where each count (a gRPC call on the
     * machine the job runs on) would only take CPU from the job.
     */
    static long pollMillis(double firstSeconds, long points, long chunks, double nowSeconds) {
        if (firstSeconds < 0 || nowSeconds <= firstSeconds) {
            return FINE_POLL_MILLIS;
        }
        double chunksPerSecond = points / (nowSeconds - firstSeconds);
        double secondsLeft = (chunks - points) / Math.max(chunksPerSecond, 1e-9);
        return secondsLeft > 2 * COARSE_POLL_MILLIS / 1e3 ? COARSE_POLL_MILLIS : FINE_POLL_MILLIS;
    }

    /**
     * Creates the job's topic with {@code partitions} partitions, so that every source subtask of a
     * job with that parallelism reads its share (the local broker's default is one).
     */
    public static void createTopic(Configuration conf, int partitions) throws Exception {
        try (Admin admin = Admin.create(KafkaOptions.properties(conf))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(
                                            conf.get(IngestOptions.TOPIC), partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Runs the ingest job (bounded, {@code parallelism} subtasks per operator) over a topic that
     * already holds the documents, polling Qdrant until {@code chunks} points are visible.
     */
    public static Window runJob(
            Configuration conf, long chunks, int parallelism, Consumer<Long> progress)
            throws Exception {
        CollectionLayout.prepare(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        IngestJob.buildFromKafka(env, conf, true);
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            long start = System.nanoTime();
            JobClient job = env.executeAsync("fhs-bench-ingest");
            // Asked for once: a bounded job's local MiniCluster shuts down when the job ends, and
            // a status call after that fails instead of answering FINISHED.
            var result = job.getJobExecutionResult();
            Window w = awaitPoints(client, conf, 0, chunks, start, result, progress);
            result.get();
            return w;
        }
    }

    /**
     * Runs the ingest job unbounded over a topic that already holds the documents until their
     * {@code chunks} points are visible (the first window, from submission), then hands that window
     * to {@code burst} (which sends as many again, under new ids) and waits for their points in the
     * job that is now running and warm (the second window, from the burst's start).
     */
    public static Window[] runJobThenBurst(
            Configuration conf,
            long chunks,
            int parallelism,
            Consumer<Long> progress,
            Consumer<Window> burst,
            Consumer<Long> burstProgress)
            throws Exception {
        CollectionLayout.prepare(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        IngestJob.buildFromKafka(env, conf, false);
        JobClient job = null;
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            long start = System.nanoTime();
            job = env.executeAsync("fhs-bench-ingest");
            var result = job.getJobExecutionResult();
            Window first = awaitPoints(client, conf, 0, chunks, start, result, progress);
            long burstStart = System.nanoTime();
            burst.accept(first);
            Window second =
                    awaitPoints(
                            client,
                            conf,
                            chunks,
                            chunks,
                            burstStart,
                            result,
                            n -> burstProgress.accept(n - chunks));
            return new Window[] {first, second};
        } finally {
            if (job != null) {
                job.cancel().get();
            }
        }
    }

    /**
     * Counts Qdrant's points until {@code base + chunks} are visible; the window's times are from
     * {@code startNanos} and its first point is the first beyond {@code base}.
     */
    private static Window awaitPoints(
            QdrantClient client,
            Configuration conf,
            long base,
            long chunks,
            long startNanos,
            CompletableFuture<?> result,
            Consumer<Long> progress)
            throws Exception {
        String collection = conf.get(QdrantOptions.COLLECTION);
        double first = -1;
        long atFirst = 0;
        long points = 0;
        while (points < chunks) {
            Thread.sleep(pollMillis(first, points, chunks, (System.nanoTime() - startNanos) / 1e9));
            points = count(client, collection) - base;
            if (first < 0 && points > 0) {
                first = (System.nanoTime() - startNanos) / 1e9;
                atFirst = points;
            }
            progress.accept(base + points);
            if (result.isDone() && points < chunks) {
                result.get(); // throws the job's failure, if any
                points = count(client, collection) - base;
                if (points < chunks) {
                    throw new IllegalStateException(
                            "The job finished with " + points + " of " + chunks + " points");
                }
            }
        }
        return new Window((System.nanoTime() - startNanos) / 1e9, first, atFirst);
    }

    private static long count(QdrantClient client, String collection) {
        return QdrantCalls.call("counting", () -> client.countAsync(collection, null, true));
    }
}
