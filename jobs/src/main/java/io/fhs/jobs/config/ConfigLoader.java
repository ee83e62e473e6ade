package io.fhs.jobs.config;

import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.QdrantOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Builds the configuration of every command and job main from its sources, in one precedence:
 * built-in defaults &lt; config file &lt; profiles &lt; environment &lt; command-line {@code -D}. A
 * profile ({@code conf/profiles/fast.yaml}) is a named set of choices laid over whichever file a
 * deployment uses, so it beats the file. Keys nothing knows fail here, with the nearest known one
 * ({@link KnownOptions}).
 */
@PublicEvolving
public final class ConfigLoader {
    /**
     * The environment variables that set an option, and the only place they are read: a client that
     * read one itself would beat an explicit {@code -D}. (QDRANT_API_KEY is a secret, not an
     * option: {@link QdrantOptions#connection} reads it.)
     */
    public static final Map<String, ConfigOption<String>> ENVIRONMENT =
            Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", KafkaOptions.BOOTSTRAP_SERVERS,
                    "QDRANT_URL", QdrantOptions.URL);

    private ConfigLoader() {}

    /**
     * Loads from program arguments {@code [--config FILE] [--profile FILE ...] [-Dkey=value ...]},
     * as a cluster's REST API passes them to a job's main method.
     */
    public static Configuration load(String[] args) {
        Path config = null;
        List<Path> profiles = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].equals("--profile") && i + 1 < args.length) {
                profiles.add(Path.of(args[++i]));
            } else if (args[i].startsWith("-D") && args[i].contains("=")) {
                String kv = args[i].substring(2);
                int eq = kv.indexOf('=');
                overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
            } else {
                throw new ConfigException(
                        "Unknown argument '"
                                + args[i]
                                + "'; expected --config FILE, --profile FILE or -Dkey=value");
            }
        }
        return load(config, profiles, overrides, System.getenv());
    }

    /** {@code file} (may be null) and the {@code -D} overrides, over this process's environment. */
    public static Configuration load(Path file, Map<String, String> overrides) {
        return load(file, overrides, System.getenv());
    }

    /** As {@link #load(Path, Map)}, with the environment given (tests pass their own). */
    public static Configuration load(
            Path file, Map<String, String> overrides, Map<String, String> environment) {
        return load(file, List.of(), overrides, environment);
    }

    /** As {@link #load(Path, Map, Map)}, with {@code profiles} laid over the file in order. */
    public static Configuration load(
            Path file,
            List<Path> profiles,
            Map<String, String> overrides,
            Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        if (file != null) {
            files.add(file);
        }
        files.addAll(profiles);
        for (Path f : files) {
            Map<String, String> fromFile = YamlConfig.read(f);
            KnownOptions.check(fromFile.keySet(), f.toString());
            values.putAll(fromFile);
        }
        for (Map.Entry<String, ConfigOption<String>> e : ENVIRONMENT.entrySet()) {
            String value = environment.get(e.getKey());
            if (value != null && !value.isBlank()) {
                values.put(e.getValue().key(), value);
            }
        }
        KnownOptions.check(overrides.keySet(), "-D");
        values.putAll(overrides);
        return Configuration.fromMap(values);
    }
}
