package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.reindex.ReindexOptions;
import io.qdrant.client.QdrantClient;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link QueryCore} that follows its alias: every {@code reindex.follow-interval} it checks where
 * {@code qdrant.collection} points, and when a reindex has switched it, opens a core for the new
 * collection (its models and quantization, from its metadata) in the background and swaps to it
 * once loaded. Queries keep running on the old core, against the old collection, until then, so
 * none fails or comes back empty during the switch; the old core closes when its last query ends.
 *
 * <p>As with {@link QueryCore}, {@link #run} and {@link #runAll} are for one thread at a time.
 */
@PublicEvolving
public final class FollowingQueryCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowingQueryCore.class);

    private final Configuration conf;
    private final QdrantConnection qdrant;
    private final QdrantClient client;
    private final ScheduledExecutorService follower;
    private final AtomicReference<Lease> current = new AtomicReference<>();
    private final AtomicInteger switches = new AtomicInteger();

    /** A core and the queries running on it; closed once retired and unused. */
    private static final class Lease {
        final QueryCore core;
        final AtomicInteger users = new AtomicInteger();
        final AtomicBoolean retired = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        Lease(QueryCore core) {
            this.core = core;
        }

        void closeIfDone() {
            if (retired.get() && users.get() == 0 && closed.compareAndSet(false, true)) {
                core.close();
            }
        }
    }

    private FollowingQueryCore(Configuration conf) {
        ReindexOptions.sanityCheck(conf);
        this.conf = new Configuration(conf);
        this.qdrant = QdrantOptions.connection(conf);
        this.client = qdrant.open();
        try {
            current.set(new Lease(QueryCore.open(QuerySettings.stored(conf, client), qdrant)));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        this.follower =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "query-core-follower");
                            t.setDaemon(true);
                            return t;
                        });
        long every = conf.get(ReindexOptions.FOLLOW_INTERVAL).toMillis();
        follower.scheduleWithFixedDelay(this::follow, every, every, TimeUnit.MILLISECONDS);
    }

    /** A core for {@code conf}'s alias that follows it (see the class comment). */
    public static FollowingQueryCore open(Configuration conf) {
        return new FollowingQueryCore(conf);
    }

    /** The physical collection queries run against now. */
    public String collection() {
        return current.get().core.settings().collection();
    }

    /** The settings of the current core (its collection's models and quantization). */
    public QuerySettings settings() {
        return current.get().core.settings();
    }

    /** How often this core has swapped to a new collection. */
    public int switches() {
        return switches.get();
    }

    /** A query with the current core's defaults. */
    public Query query(String queryId, String text) {
        return settings().query(queryId, text);
    }

    /** Runs one query through every stage of the current core. */
    public QueryResult run(Query query) {
        return runAll(List.of(query)).get(0);
    }

    /**
     * Runs queries on the current core. If one fails and the alias has moved meanwhile (the old
     * collection dropped under it), they run again on the new core.
     */
    public List<QueryResult> runAll(List<Query> queries) {
        List<QueryResult> out = onCurrent(queries);
        if (out.stream().anyMatch(r -> r.error() != null) && follow()) {
            return onCurrent(queries);
        }
        return out;
    }

    private List<QueryResult> onCurrent(List<Query> queries) {
        Lease lease = acquire();
        try {
            return lease.core.runAll(queries);
        } finally {
            lease.users.decrementAndGet();
            lease.closeIfDone();
        }
    }

    private Lease acquire() {
        while (true) {
            Lease lease = current.get();
            lease.users.incrementAndGet();
            // A swap between the read and the count: take the new one instead.
            if (current.get() == lease) {
                return lease;
            }
            lease.users.decrementAndGet();
            lease.closeIfDone();
        }
    }

    /** Checks the alias and swaps to its new collection if it moved; whether it swapped. */
    synchronized boolean follow() {
        try {
            String alias = conf.get(QdrantOptions.COLLECTION);
            String now = CollectionAliases.physical(client, alias);
            if (now.equals(collection())) {
                return false;
            }
            LOG.info("Alias {} moved from {} to {}: opening its models", alias, collection(), now);
            // Loaded before the swap: queries meanwhile run on the old core.
            Lease next = new Lease(QueryCore.open(QuerySettings.stored(conf, client), qdrant));
            Lease old = current.getAndSet(next);
            switches.incrementAndGet();
            old.retired.set(true);
            old.closeIfDone();
            LOG.info("Queries now run against {} ({})", now, next.core.settings().denseModel());
            return true;
        } catch (RuntimeException e) {
            // The current core keeps serving; the next check tries again.
            LOG.warn("Following alias {} failed", conf.get(QdrantOptions.COLLECTION), e);
            return false;
        }
    }

    @Override
    public void close() {
        follower.shutdownNow();
        try {
            Lease last = current.get();
            last.retired.set(true);
            last.closeIfDone();
        } finally {
            client.close();
        }
    }
}
