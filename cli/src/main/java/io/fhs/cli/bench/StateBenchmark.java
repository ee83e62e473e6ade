package io.fhs.cli.bench;

import io.fhs.jobs.ingest.DocumentEvent;
import io.fhs.jobs.ingest.VersionGate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The ingest job's keyed state at scale, without models or servers: generated documents go through
 * the job's own {@link VersionGate} (keyed by document id, as in the job) on a state backend, with
 * periodic checkpoints, and the checkpoints' sizes and durations are read back from Flink's own
 * statistics. The first {@code documents} events are new documents; the next {@code updates} change
 * the text of documents spread over the id space, which an incremental checkpoint uploads as a
 * small delta. The job ends with a final checkpoint of the full state.
 */
public final class StateBenchmark {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private StateBenchmark() {}

    /** One completed checkpoint, as Flink's statistics report it. */
    public record Checkpoint(long id, long stateBytes, long checkpointedBytes, long durationMs) {}

    /** What one backend did: every completed checkpoint in order, and the run's length. */
    public record Result(
            String backend,
            long documents,
            long updates,
            List<Checkpoint> checkpoints,
            Duration took) {
        /** The last checkpoint: the full state after every event. */
        public Checkpoint last() {
            return checkpoints.get(checkpoints.size() - 1);
        }

        public double bytesPerDocument() {
            return (double) last().stateBytes() / documents;
        }

        public double eventsPerSecond() {
            return (documents + updates) / (took.toMillis() / 1e3);
        }
    }

    /**
     * Runs {@code documents} new documents, then {@code updates} changed ones, through the gate on
     * {@code backend} ({@code hashmap} or {@code rocksdb}, incremental), checkpointing every {@code
     * interval} into {@code dir}.
     */
    public static Result run(
            String backend, long documents, long updates, Duration interval, Path dir)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, "rocksdb".equals(backend));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(interval.toMillis());
        env.fromSource(
                        new DataGeneratorSource<>(
                                new Documents(documents),
                                documents + updates,
                                TypeInformation.of(DocumentEvent.class)),
                        WatermarkStrategy.noWatermarks(),
                        "generated documents")
                .uid("generated-documents")
                .keyBy(DocumentEvent::docId)
                .process(new VersionGate())
                .name("version gate")
                .uid("version-gate")
                .sinkTo(new DiscardingSink<>())
                .name("discard")
                .uid("discard");
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("fhs-bench-state-" + backend);
        long start = System.nanoTime();
        try (MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .build())) {
            cluster.start();
            JobID job = cluster.submitJob(graph).get(1, TimeUnit.MINUTES).getJobID();
            cluster.requestJobResult(job)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .toJobExecutionResult(StateBenchmark.class.getClassLoader());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            List<Checkpoint> done = new ArrayList<>();
            for (AbstractCheckpointStats c :
                    cluster.getArchivedExecutionGraph(job)
                            .get(1, TimeUnit.MINUTES)
                            .getCheckpointStatsSnapshot()
                            .getHistory()
                            .getCheckpoints()) {
                if (c.getStatus() == CheckpointStatsStatus.COMPLETED) {
                    done.add(
                            new Checkpoint(
                                    c.getCheckpointId(),
                                    c.getStateSize(),
                                    c.getCheckpointedSize(),
                                    c.getEndToEndDuration()));
                }
            }
            if (done.isEmpty()) {
                throw new IllegalStateException(
                        "no checkpoint completed on " + backend + "; try a shorter --interval");
            }
            done.sort(Comparator.comparingLong(Checkpoint::id));
            return new Result(backend, documents, updates, done, took);
        }
    }

    /**
     * Event {@code i}: document {@code i} at version 1 while {@code i < documents}, then a new text
     * at version 2 for documents spread evenly over the ids. Ids and sizes as in a real feed: a
     * 12-character id, a title, some text and a little metadata.
     */
    static final class Documents implements GeneratorFunction<Long, DocumentEvent> {
        private static final long serialVersionUID = 1L;
        private static final long SPREAD = 7_919; // a prime, so updates visit ids evenly

        private final long documents;

        Documents(long documents) {
            this.documents = documents;
        }

        @Override
        public DocumentEvent map(Long i) {
            boolean update = i >= documents;
            long n = update ? (i - documents) * SPREAD % documents : i;
            String id = String.format("doc-%08d", n);
            String text =
                    (update ? "revised " : "")
                            + "generated document "
                            + n
                            + " about streams, state and search";
            return new DocumentEvent(
                    id,
                    DocumentEvent.Op.UPSERT,
                    "Title " + n,
                    text,
                    "{\"source\":\"generator\",\"n\":" + n + "}",
                    update ? 2 : 1,
                    System.currentTimeMillis(),
                    false,
                    null);
        }
    }
}
