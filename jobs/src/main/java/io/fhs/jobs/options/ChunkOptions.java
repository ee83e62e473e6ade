package io.fhs.jobs.options;

import io.fhs.jobs.config.ConfigException;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** How the ingest job cuts documents into chunks (chunks fit the dense model's input). */
@PublicEvolving
public final class ChunkOptions {
    private ChunkOptions() {}

    public static final ConfigOption<Integer> OVERLAP_TOKENS =
            ConfigOptions.key("chunk.overlap-tokens")
                    .intType()
                    .defaultValue(32)
                    .withDescription(
                            "Word pieces shared by consecutive chunks of a long document.");
    public static final ConfigOption<Boolean> STORE_TEXT =
            ConfigOptions.key("chunk.store-text")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Keep each chunk's text in the point payload.");

    /** Checks values early, naming the option and why. */
    public static void sanityCheck(Configuration conf) {
        if (conf.get(OVERLAP_TOKENS) < 0) {
            throw new ConfigException(
                    OVERLAP_TOKENS.key() + " must be >= 0, got " + conf.get(OVERLAP_TOKENS));
        }
    }
}
