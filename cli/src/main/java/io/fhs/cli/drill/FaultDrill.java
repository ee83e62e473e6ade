package io.fhs.cli.drill;

import io.fhs.cli.bench.IndexAudit;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.ModelOptions;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Points.QueryPoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The fault drill: the ingest job at parallelism 2 on a session cluster of two TaskManagers reads a
 * multi-partition topic while {@link DrillStream} records stream in at a fixed rate; one fault per
 * phase strikes mid-slice (a TaskManager SIGKILLed, the broker restarted, Qdrant or one of its
 * nodes killed, the job stopped with a savepoint and resumed), and after each the collection and
 * the dead-letter topic must reach the state the stream means: nothing missing, stale or left over.
 */
public final class FaultDrill implements AutoCloseable {
    static final String TOPIC = "drill-docs";
    static final String DEAD_LETTERS = "drill-docs-dlq";
    static final String COLLECTION = "drill_docs";
    static final int PARTITIONS = 4;
    static final int TASK_MANAGERS = 2;
    static final int PARALLELISM = 2;
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(4);
    // Searches through node 0 while a node is down: at least this many must answer.
    private static final int OUTAGE_SEARCHES = 20;

    /** The faults, in the order the drill injects them. */
    public enum Fault {
        TASKMANAGER_KILL("taskmanager-kill"),
        KAFKA_RESTART("kafka-restart"),
        QDRANT_KILL("qdrant-kill"),
        QDRANT_NODE("qdrant-node"),
        SAVEPOINT_RESUME("savepoint-resume"),
        SAVEPOINT_RESCALE("savepoint-rescale");

        public final String label;

        Fault(String label) {
            this.label = label;
        }

        public static Fault of(String label) {
            for (Fault f : values()) {
                if (f.label.equals(label.trim())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown fault '" + label + "'");
        }
    }

    /** What the drill runs: the stream, its pace, the faults, where it keeps its state. */
    public record Settings(
            DrillStream stream,
            double rate,
            int qdrantNodes,
            List<Fault> faults,
            Path home,
            Path stateDir,
            Map<String, String> clusterEnv) {}

    private final Settings settings;
    private final PrintWriter out;
    private final ClusterControl cluster;
    private final LocalServices services;
    private final List<DrillRow> rows = new ArrayList<>();
    private String job;
    private int parallelism = PARALLELISM;
    // The job's failures before a TaskManager kill: recovery counts once the JobManager saw it.
    private int failuresBefore = -1;
    // Searches that failed while a Qdrant node was down, in the current phase.
    private int searchesFailed;
    private boolean closed;

    public FaultDrill(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
        this.cluster =
                new ClusterControl(
                        settings.home(),
                        settings.stateDir().resolve("cluster"),
                        settings.clusterEnv());
        this.services =
                new LocalServices(
                        settings.home(),
                        settings.stateDir().resolve("local"),
                        settings.qdrantNodes());
    }

    /** Runs every phase; one row per phase (the first, "none", is the stream without a fault). */
    public List<DrillRow> run() throws Exception {
        freshState();
        say(
                "starting Kafka and Qdrant (%d node(s)) under %s",
                settings.qdrantNodes(), settings.stateDir());
        services.up();
        say(
                "starting a Flink cluster with %d TaskManagers (REST port %d)",
                TASK_MANAGERS, cluster.restPort());
        cluster.up(TASK_MANAGERS);
        createTopics();
        job = submit(null);
        List<DrillStream.Event> events = settings.stream().events();
        int slices = settings.faults().size() + 1;
        try (QdrantClient client = services.qdrant().open();
                IndexAudit audit =
                        new IndexAudit(
                                ModelOptions.DENSE.defaultValue(),
                                ChunkOptions.OVERLAP_TOKENS.defaultValue());
                DeadLetterCount letters =
                        new DeadLetterCount(services.kafkaBootstrap(), DEAD_LETTERS);
                DrillSender sender = new DrillSender(services.kafkaBootstrap(), TOPIC)) {
            Phase phase = new Phase(client, audit, letters, sender);
            for (int k = 0; k < slices; k++) {
                int from = events.size() * k / slices;
                int to = events.size() * (k + 1) / slices;
                Fault fault = k == 0 ? null : settings.faults().get(k - 1);
                rows.add(phase.run(fault, from, to));
                out.println(rows.get(rows.size() - 1).line());
                out.flush();
            }
        }
        return List.copyOf(rows);
    }

    /** One slice of the stream with a fault in its middle, then the audit. */
    private final class Phase {
        final QdrantClient client;
        final IndexAudit audit;
        final DeadLetterCount letters;
        final DrillSender sender;

        Phase(QdrantClient client, IndexAudit audit, DeadLetterCount letters, DrillSender sender) {
            this.client = client;
            this.audit = audit;
            this.letters = letters;
            this.sender = sender;
        }

        DrillRow run(Fault fault, int from, int to) throws Exception {
            String name = fault == null ? "none" : fault.label;
            say("%s: sending records %d-%d at %.0f/s", name, from, to, settings.rate());
            long start = System.nanoTime();
            var sending =
                    sender.sendAsync(settings.stream().events().subList(from, to), settings.rate());
            double recovered = Double.NaN;
            String note = "";
            searchesFailed = 0;
            long t0 = start;
            if (fault != null) {
                int half = (to - from) / 2;
                Await.until(
                        RECOVERY_TIMEOUT,
                        "half of the slice sent",
                        () -> sender.sent() >= from + half);
                t0 = System.nanoTime();
                note = inject(fault, client, sending::isDone);
                recovered = awaitRecovered(t0);
                say("%s: job running again after %.1f s", name, recovered);
            }
            sending.get();
            say("%s: %d records sent; auditing", name, to);
            var live = settings.stream().liveAfter(to);
            int expectedLetters = settings.stream().badRecordsIn(to);
            AtomicReference<DeadLetterCount.Counts> lastLetters = new AtomicReference<>();
            IndexAudit.Report report =
                    Await.latest(
                            CATCH_UP_TIMEOUT,
                            () -> {
                                DeadLetterCount.Counts c = letters.counts(sender.badRecords());
                                lastLetters.set(c);
                                return c.found() >= expectedLetters
                                        ? audit.audit(client, COLLECTION, live)
                                        : null;
                            },
                            r -> r != null && r.clean());
            if (report == null) {
                report = audit.audit(client, COLLECTION, live);
            }
            double caughtUp = report.clean() ? seconds(t0) : Double.NaN;
            DeadLetterCount.Counts c = letters.counts(sender.badRecords());
            return new DrillRow(
                    name, recovered, caughtUp, report, expectedLetters, c, searchesFailed, note);
        }
    }

    /** Injects the fault and repairs it; a note for the table (what was hit, what answered). */
    private String inject(Fault fault, QdrantClient client, BooleanSupplier sent) throws Exception {
        switch (fault) {
            case TASKMANAGER_KILL -> {
                String victim = cluster.taskManagerOf(job);
                failuresBefore = cluster.failures(job);
                say("SIGKILL %s (pid %d)", victim, cluster.pid(victim));
                cluster.kill(victim);
                cluster.up(TASK_MANAGERS);
                return "killed " + victim;
            }
            case KAFKA_RESTART -> {
                say("stopping the Kafka broker");
                services.stopKafka();
                services.up();
                return "broker restarted";
            }
            case QDRANT_KILL -> {
                say("SIGKILL Qdrant (%d node(s))", services.qdrantNodes());
                services.killQdrant();
                services.up();
                return "qdrant killed";
            }
            case QDRANT_NODE -> {
                return killOneNode(client, sent);
            }
            case SAVEPOINT_RESUME, SAVEPOINT_RESCALE -> {
                String savepoint = cluster.stopWithSavepoint(job);
                int next =
                        fault == Fault.SAVEPOINT_RESCALE ? (parallelism == 1 ? 2 : 1) : parallelism;
                say("stopped %s with %s; resuming at parallelism %d", job, savepoint, next);
                parallelism = next;
                job = submit(savepoint);
                return "parallelism " + next;
            }
            default -> throw new IllegalStateException("unhandled fault " + fault);
        }
    }

    /**
     * SIGKILLs the last node of the Qdrant cluster (never node 0, which clients use) and searches
     * through node 0 while it is down: until the slice is sent and at least {@value
     * #OUTAGE_SEARCHES} times; then starts it again.
     */
    private String killOneNode(QdrantClient client, BooleanSupplier sent) throws Exception {
        if (services.qdrantNodes() < 3) {
            throw new DrillException("qdrant-node needs --qdrant-nodes 3");
        }
        int victim = services.qdrantNodes() - 1;
        float[] vector = anyVector(client);
        say("SIGKILL qdrant%d; searching through node 0 while it is down", victim);
        services.killQdrantNode(victim);
        int answered = 0;
        int failed = 0;
        while (answered + failed < OUTAGE_SEARCHES || !sent.getAsBoolean()) {
            try {
                QueryPoints query =
                        QueryPoints.newBuilder()
                                .setCollectionName(COLLECTION)
                                .setQuery(QueryFactory.nearest(vector))
                                .setUsing(CollectionSpec.DEFAULT_DENSE_NAME)
                                .setLimit(10)
                                .build();
                int hits = QdrantCalls.call("searching", () -> client.queryAsync(query)).size();
                if (hits > 0) {
                    answered++;
                } else {
                    failed++;
                }
            } catch (RuntimeException e) {
                failed++;
            }
        }
        services.up();
        searchesFailed = failed;
        return "qdrant"
                + victim
                + " down: "
                + answered
                + " searches answered, "
                + failed
                + " failed";
    }

    private static float[] anyVector(QdrantClient client) {
        float[][] first = new float[1][];
        StoredPoints.scroll(
                client,
                COLLECTION,
                WithPayloadSelectorFactory.enable(false),
                true,
                p -> {
                    if (first[0] == null) {
                        first[0] = StoredPoints.dense(p, CollectionSpec.DEFAULT_DENSE_NAME);
                    }
                });
        if (first[0] == null) {
            throw new DrillException("the collection has no point to search with");
        }
        return first[0];
    }

    /** Seconds from {@code t0} until the job and every subtask of it run again. */
    private double awaitRecovered(long t0) {
        String current = job;
        Await.until(
                RECOVERY_TIMEOUT,
                "job " + current + " running again",
                () -> cluster.fullyRunning(current));
        return seconds(t0);
    }

    private String submit(String savepoint) {
        List<String> options =
                new ArrayList<>(
                        List.of(
                                "ingest.topic=" + TOPIC,
                                "ingest.group-id=" + TOPIC,
                                "ingest.dead-letter-topic=" + DEAD_LETTERS,
                                "qdrant.collection=" + COLLECTION,
                                "qdrant.url=" + services.qdrantUrl(),
                                "kafka.bootstrap-servers=" + services.kafkaBootstrap()));
        if (services.qdrantNodes() >= 3) {
            // Two copies of every shard: one node down leaves each shard readable. A write is
            // acknowledged once both copies hold it: with one, killing every node lost the second
            // copy of a write the job had been told was done, and Qdrant never repaired the
            // diverged replica (a stale point for good, measured here).
            options.addAll(
                    List.of(
                            "qdrant.shards=3",
                            "qdrant.replication-factor=2",
                            "qdrant.write-consistency-factor=2"));
        }
        String id = cluster.submitIngest(parallelism, savepoint, options);
        String current = id;
        Await.until(
                RECOVERY_TIMEOUT, "job " + id + " running", () -> cluster.fullyRunning(current));
        say("job %s running at parallelism %d", id, parallelism);
        return id;
    }

    private void createTopics() throws Exception {
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", (Object) services.kafkaBootstrap()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(TOPIC, PARTITIONS, (short) 1),
                                    new NewTopic(DEAD_LETTERS, 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    /**
     * Stops what a previous drill may have left running there and removes its state, so that the
     * topics, the collection and the job's offsets start empty.
     */
    private void freshState() throws IOException {
        cluster.down();
        services.down();
        Path dir = settings.stateDir();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private void say(String format, Object... args) {
        out.printf("fault drill: " + format + "%n", args);
        out.flush();
    }

    /** Stops everything the drill started (the job with its cluster, Kafka, Qdrant). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.down();
        } catch (RuntimeException e) {
            out.println("fault drill: stopping the Flink cluster failed: " + e.getMessage());
        }
        try {
            services.down();
        } catch (RuntimeException e) {
            out.println("fault drill: stopping Kafka and Qdrant failed: " + e.getMessage());
        }
        out.flush();
    }
}
