package io.fhs.jobs.reindex;

import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.options.OptionChecks;
import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Options of a live reindex ({@code fhs reindex}) and of the ingest job's part in it (README "Model
 * upgrades without downtime").
 */
@PublicEvolving
public final class ReindexOptions {
    private ReindexOptions() {}

    public static final ConfigOption<Duration> POLL_INTERVAL =
            ConfigOptions.key("reindex.poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "How often a running ingest job looks for a pending reindex target in"
                                    + " its collection's metadata; fhs reindex waits this long"
                                    + " (twice, for a margin) after recording the target before it"
                                    + " copies the topic, so that every change after the copy's"
                                    + " end offsets is also written to the new collection. Both"
                                    + " sides must use the same value.");
    public static final ConfigOption<Long> MAX_LAG =
            ConfigOptions.key("reindex.max-lag")
                    .longType()
                    .defaultValue(1000L)
                    .withDescription(
                            "Records that arrived during the last copy pass and that the running"
                                    + " ingest job (ingest.group-id; it writes both collections)"
                                    + " has not committed yet, for the new collection to count as"
                                    + " caught up; more and another pass runs. Bounds how far the"
                                    + " new collection may trail when no ingest job runs.");
    public static final ConfigOption<Integer> MAX_PASSES =
            ConfigOptions.key("reindex.max-passes")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "Copy passes before fhs reindex gives up catching up (the alias stays"
                                    + " on the old collection; re-running continues).");
    public static final ConfigOption<Duration> FOLLOW_INTERVAL =
            ConfigOptions.key("reindex.follow-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "How often a following query core checks where its alias points; on a"
                                    + " switch it opens the new collection's models and swaps"
                                    + " once they are loaded.");

    /** Fails with the option's name on a value no reindex can run with. */
    public static void sanityCheck(Configuration c) {
        OptionChecks.positiveDuration(c, POLL_INTERVAL);
        OptionChecks.positiveDuration(c, FOLLOW_INTERVAL);
        OptionChecks.positive(c, MAX_PASSES);
        if (c.get(MAX_LAG) < 0) {
            throw new ConfigException(
                    MAX_LAG.key() + " must be >= 0 records, got " + c.get(MAX_LAG));
        }
    }
}
