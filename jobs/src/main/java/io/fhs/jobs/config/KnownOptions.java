package io.fhs.jobs.config;

import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.EncodeOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.reindex.ReindexOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/**
 * Every key a configuration may hold: the jobs' options, Flink's own (the {@link ConfigOption}
 * fields of its option classes, as a file or {@code -D} may tune restarts, checkpoints and the
 * local cluster), and the families whose names are open-ended, such as {@code kafka.properties.*}.
 * Anything else is a typo that would otherwise be silently ignored.
 */
@Internal
public final class KnownOptions {
    static final List<Class<?>> OURS =
            List.of(
                    KafkaOptions.class,
                    QdrantOptions.class,
                    ModelOptions.class,
                    ChunkOptions.class,
                    EncodeOptions.class,
                    IngestOptions.class,
                    QueryOptions.class,
                    ReindexOptions.class);

    // By name: a class missing from a classpath (the RocksDB backend on a client) is skipped.
    private static final List<String> FLINK_OPTION_CLASSES =
            List.of(
                    "AlgorithmOptions",
                    "BatchExecutionOptions",
                    "BlobServerOptions",
                    "CheckpointingOptions",
                    "CleanupOptions",
                    "ClusterOptions",
                    "CoreOptions",
                    "DeploymentOptions",
                    "EventOptions",
                    "ExecutionOptions",
                    "ExternalResourceOptions",
                    "HeartbeatManagerOptions",
                    "HighAvailabilityOptions",
                    "HistoryServerOptions",
                    "JMXServerOptions",
                    "JobEventStoreOptions",
                    "JobManagerOptions",
                    "MetricOptions",
                    "NettyShuffleEnvironmentOptions",
                    "OptimizerOptions",
                    "PipelineOptions",
                    "QueryableStateOptions",
                    "ResourceManagerOptions",
                    "RestartStrategyOptions",
                    "RestOptions",
                    "RpcOptions",
                    "SecurityOptions",
                    "SinkOptions",
                    "SlowTaskDetectorOptions",
                    "StateBackendOptions",
                    "StateChangelogOptions",
                    "StateLatencyTrackOptions",
                    "StateRecoveryOptions",
                    "StateSizeTrackOptions",
                    "TaskManagerOptions",
                    "TraceOptions",
                    "WebOptions",
                    "org.apache.flink.runtime.highavailability.JobResultStoreOptions",
                    "org.apache.flink.runtime.shuffle.ShuffleServiceOptions",
                    "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions",
                    "org.apache.flink.state.rocksdb.RocksDBOptions");

    /**
     * Families of keys that name something of their own after the prefix (a Kafka client property,
     * a reporter, an environment variable), or belong to plugins and deployment targets that a
     * client's classpath does not hold.
     */
    public static final List<String> PASS_THROUGH_PREFIXES =
            List.of(
                    KafkaOptions.PROPERTIES_PREFIX,
                    "metrics.reporter.",
                    "traces.reporter.",
                    "events.reporter.",
                    "external-resource.",
                    "containerized.",
                    "kubernetes.",
                    "yarn.",
                    "state.backend.rocksdb.",
                    "state.changelog.",
                    "fs.",
                    "s3.",
                    "gs.",
                    "table.");

    private static final Set<String> OUR_KEYS = keysOf(OURS);
    private static final Set<String> FLINK_KEYS = keysOf(flinkClasses());

    private KnownOptions() {}

    /** Fails on the first key of {@code keys} (from {@code source}) that nothing knows. */
    public static void check(Collection<String> keys, String source) {
        for (String key : keys) {
            if (!isKnown(key)) {
                throw new UnknownOptionException(key, source, nearest(key));
            }
        }
    }

    public static boolean isKnown(String key) {
        return OUR_KEYS.contains(key)
                || FLINK_KEYS.contains(key)
                || PASS_THROUGH_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** The known key closest to {@code key} by edit distance; ours win ties over Flink's. */
    public static String nearest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Set<String> keys : List.of(OUR_KEYS, FLINK_KEYS)) {
            for (String known : keys) {
                int d = editDistance(key, known);
                if (d < bestDistance) {
                    best = known;
                    bestDistance = d;
                }
            }
        }
        return best;
    }

    /** The jobs' own keys, in declaration order (for documentation and tests). */
    public static Set<String> ourKeys() {
        return OUR_KEYS;
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static List<Class<?>> flinkClasses() {
        List<Class<?>> classes = new ArrayList<>();
        for (String name : FLINK_OPTION_CLASSES) {
            String qualified =
                    name.contains(".") ? name : ConfigOption.class.getPackageName() + "." + name;
            try {
                classes.add(Class.forName(qualified, false, KnownOptions.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                // Not on this classpath; its keys cannot configure anything here either.
            }
        }
        return classes;
    }

    private static Set<String> keysOf(List<Class<?>> classes) {
        Set<String> keys = new LinkedHashSet<>();
        for (Class<?> c : classes) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    addKeys(keys, f);
                }
            }
        }
        return keys;
    }

    private static void addKeys(Set<String> keys, Field f) {
        try {
            ConfigOption<?> option = (ConfigOption<?>) f.get(null);
            keys.add(option.key());
            for (FallbackKey fallback : option.fallbackKeys()) {
                keys.add(fallback.getKey());
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot read option " + f, e);
        }
    }
}
