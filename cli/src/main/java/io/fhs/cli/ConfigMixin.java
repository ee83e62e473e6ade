package io.fhs.cli;

import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.query.QueryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, {@code --profile NAME} and {@code -D key=value}, the same on every command
 * that takes options: built-in defaults &lt; the file &lt; the profiles &lt; the environment &lt;
 * {@code -D} ({@link ConfigLoader}).
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
            names = "--profile",
            paramLabel = "NAME|FILE",
            description =
                    "Options laid over the file: conf/profiles/NAME.yaml (fast: the int8 model,"
                            + " measured within 0.01 NDCG@10 of float32 on CACM) or a file;"
                            + " repeatable, later ones win.")
    List<String> profiles = new ArrayList<>();

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
        return ConfigLoader.load(file, profileFiles(), overrides, System.getenv());
    }

    /** The {@code --profile} files: a name means {@code conf/profiles/NAME.yaml} under fhs.home. */
    List<Path> profileFiles() {
        List<Path> out = new ArrayList<>();
        for (String p : profiles) {
            boolean named = !p.contains("/") && !p.endsWith(".yaml") && !p.endsWith(".yml");
            if (!named) {
                out.add(Path.of(p));
                continue;
            }
            Path dir = Path.of(System.getProperty("fhs.home", "."), "conf", "profiles");
            Path file = dir.resolve(p + ".yaml");
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(
                        "--profile " + p + ": no " + file + "; profiles there: " + known(dir));
            }
            out.add(file);
        }
        return out;
    }

    private static List<String> known(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
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
