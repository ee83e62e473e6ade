package io.fhs.cli.reindex;

import io.fhs.cli.local.LocalJobRun;
import io.fhs.cli.progress.IngestBacklog;
import io.fhs.cli.progress.IngestProgress;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.Tombstones;
import io.fhs.jobs.collection.ReindexMarker;
import io.fhs.jobs.collection.StoredModels;
import io.fhs.jobs.ingest.CalibrationSample;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.reindex.ReindexOptions;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live reindex of the collection behind an alias into a new physical collection with other
 * models: create the new collection and record it as the old one's pending target (running ingest
 * jobs then also write their changes to it, see {@code ReindexMirror}); copy the topic into it from
 * the earliest offset with bounded ingest passes until a pass ends with at most {@code
 * reindex.max-lag} new records; switch the alias in one atomic step; optionally drop the old
 * collection. Re-running after an interruption continues: the target is recorded, the passes'
 * consumer group keeps its offsets, writes are idempotent upserts guarded by version.
 */
public final class LiveReindex {
    private static final Logger LOG = LoggerFactory.getLogger(LiveReindex.class);

    /**
     * What a reindex did.
     *
     * @param from the physical collection the alias pointed to before
     * @param to the physical collection it points to now
     * @param passes copy passes run by this call
     * @param points live points in the new collection at the switch
     */
    public record Result(String alias, String from, String to, int passes, long points) {}

    private final Configuration wanted;
    private final boolean dropOld;
    private final int parallelism;
    private final PrintWriter out;
    private final PrintWriter err;
    private final IntFunction<ProgressLine> progress;

    /**
     * @param wanted the ingest options with the new models (and quantization): {@code
     *     qdrant.collection} names the alias, {@code ingest.topic} the source of truth
     * @param progress the progress line of copy pass N
     */
    public LiveReindex(
            Configuration wanted,
            boolean dropOld,
            int parallelism,
            PrintWriter out,
            PrintWriter err,
            IntFunction<ProgressLine> progress) {
        IngestOptions.sanityCheck(wanted);
        ReindexOptions.sanityCheck(wanted);
        this.wanted = wanted;
        this.dropOld = dropOld;
        this.parallelism = parallelism;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    public Result run() throws Exception {
        String alias = wanted.get(QdrantOptions.COLLECTION);
        String from;
        String to;
        try (QdrantClient client = QdrantOptions.connection(wanted).open()) {
            from = current(client, alias);
            Optional<String> pending = ReindexMarker.target(client, from);
            CollectionSpec spec = CollectionLayout.spec(wanted);
            to = CollectionLayout.physicalName(wanted, spec);
            if (to.equals(from)) {
                say("Alias %s already points at %s, written with these models", alias, from);
                return new Result(alias, from, to, 0, Tombstones.countLive(client, to));
            }
            if (pending.isPresent() && !pending.get().equals(to)) {
                throw new ReindexException(
                        "Collection "
                                + from
                                + " is being reindexed into "
                                + pending.get()
                                + " (other models); finish that reindex, or drop "
                                + pending.get()
                                + " and clear metadata "
                                + ReindexMarker.METADATA_KEY
                                + " of "
                                + from);
            }
            create(client, spec, to);
            ReindexMarker.set(client, from, to);
            say(
                    "%s %s -> %s (%s)",
                    pending.isPresent() ? "Resuming reindex" : "Reindexing",
                    from,
                    to,
                    StoredModels.of(wanted));
        }
        awaitMirrors();
        int passes = copy(to);
        try (QdrantClient client = QdrantOptions.connection(wanted).open()) {
            long points = Tombstones.countLive(client, to);
            CollectionAliases.point(client, alias, to);
            say("Alias %s now points at %s (%d points)", alias, to, points);
            if (dropOld) {
                CollectionAliases.drop(client, from);
                say("Dropped %s", from);
            } else {
                say(
                        "Running ingest jobs keep writing %s and %s until restarted with the new"
                                + " models; drop %s after that",
                        from, to, from);
            }
            return new Result(alias, from, to, passes, points);
        }
    }

    private static String current(QdrantClient client, String alias) {
        return CollectionAliases.resolve(client, alias)
                .orElseThrow(
                        () ->
                                new ReindexException(
                                        QdrantOptions.COLLECTION.key()
                                                + " "
                                                + alias
                                                + " is no alias: reindexing switches an alias;"
                                                + " start the jobs on a new name (they create the"
                                                + " alias) or create one with Qdrant's API"));
    }

    private void create(QdrantClient client, CollectionSpec spec, String to) {
        CollectionBootstrap.ensure(client, spec.withName(to));
        Configuration target = CollectionLayout.writing(wanted, to);
        CollectionLayout.preparePhysical(client, target, () -> CalibrationSample.fromTopic(target));
    }

    /**
     * Gives every running ingest job time to read the marker: a change it reads after this was
     * written to both collections, one it read before is in the topic before the first pass's end.
     */
    private void awaitMirrors() throws InterruptedException {
        long wait = 2 * wanted.get(ReindexOptions.POLL_INTERVAL).toMillis();
        LOG.info("Waiting {} ms for running ingest jobs to see the reindex target", wait);
        Thread.sleep(wait);
    }

    /** Bounded passes over the topic into {@code to} until one ends caught up; their count. */
    private int copy(String to) throws Exception {
        Configuration pass = CollectionLayout.writing(wanted, to);
        // Its own group: the passes start at the earliest offset, and a re-run where they stopped.
        pass.set(IngestOptions.GROUP_ID, wanted.get(IngestOptions.GROUP_ID) + "-reindex-" + to);
        int max = wanted.get(ReindexOptions.MAX_PASSES);
        for (int n = 1; n <= max; n++) {
            long endAtStart = IngestBacklog.endOffsets(pass);
            long total = IngestBacklog.records(pass);
            StreamExecutionEnvironment env = LocalJobRun.environment(pass, parallelism);
            IngestJob.buildFromKafka(env, pass, true);
            LocalJobRun.Result run =
                    LocalJobRun.run(
                            env,
                            pass,
                            "fhs-reindex-" + n,
                            err,
                            new IngestProgress(progress.apply(n), total));
            if (run.cancelled()) {
                throw new ReindexException("Reindex pass " + n + " was cancelled");
            }
            long arrived = IngestBacklog.endOffsets(pass) - endAtStart;
            // What arrived during the pass is in the new collection once a running ingest job
            // has read it (it writes both): only what neither has read yet is behind.
            long lag = Math.min(arrived, IngestBacklog.records(wanted));
            say(
                    "Pass %d copied %d records; %d arrived meanwhile, %d of them not read yet by"
                            + " group %s",
                    n, total, arrived, lag, wanted.get(IngestOptions.GROUP_ID));
            if (lag <= wanted.get(ReindexOptions.MAX_LAG)) {
                return n;
            }
        }
        throw new ReindexException(
                "The topic kept growing faster than "
                        + max
                        + " passes ("
                        + ReindexOptions.MAX_PASSES.key()
                        + ") could copy it within "
                        + ReindexOptions.MAX_LAG.key()
                        + " = "
                        + wanted.get(ReindexOptions.MAX_LAG)
                        + " records; the alias stays on the old collection, re-running continues");
    }

    private void say(String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}
