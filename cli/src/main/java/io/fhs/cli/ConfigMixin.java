package io.fhs.cli;

import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.query.QueryOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code -D key=value}, the same on every command that takes options:
 * built-in defaults &lt; the file &lt; the environment &lt; {@code -D} ({@link ConfigLoader}).
 */
final class ConfigMixin {
    static final String INGEST_FILE = "ingest.yaml";
    static final String QUERY_FILE = "query.yaml";

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Options file (default: conf/ingest.yaml for ingesting commands,"
                            + " conf/query.yaml for searching ones).")
    Path config;

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            description =
                    "Override an option, e.g. -D qdrant.collection=cacm; beats the file and the"
                            + " environment.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The ingest job's options, sanity-checked. */
    Configuration ingest() {
        Configuration conf = load(INGEST_FILE);
        IngestOptions.sanityCheck(conf);
        return conf;
    }

    /** The query side's options, sanity-checked. */
    Configuration query() {
        Configuration conf = load(QUERY_FILE);
        QueryOptions.sanityCheck(conf);
        return conf;
    }

    /** The options from {@code --config}, else {@code conf/<defaultFile>} under fhs.home. */
    Configuration load(String defaultFile) {
        Path file =
                config != null
                        ? config
                        : Path.of(System.getProperty("fhs.home", "."), "conf", defaultFile);
        return ConfigLoader.load(file, overrides);
    }

    /**
     * Whether {@code -D} sets {@code option}, which a command's own defaults must then not beat.
     */
    boolean sets(ConfigOption<?> option) {
        return overrides.containsKey(option.key());
    }

    /** Sets {@code option} unless {@code -D} does. */
    void defaultTo(ConfigOption<?> option, String value) {
        overrides.putIfAbsent(option.key(), value);
    }
}
