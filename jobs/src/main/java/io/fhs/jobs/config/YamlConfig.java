package io.fhs.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/** Reads a flat {@code key: value} YAML file (as conf/ingest.yaml) into a Flink configuration. */
public final class YamlConfig {
    private YamlConfig() {}

    /**
     * Loads from program arguments {@code [--config FILE] [-Dkey=value ...]}, as a cluster's REST
     * API passes them to a job's main method.
     */
    public static Configuration load(String[] args) {
        Path config = null;
        Map<String, String> overrides = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].startsWith("-D") && args[i].contains("=")) {
                String kv = args[i].substring(2);
                overrides.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException(
                        "Unknown argument '"
                                + args[i]
                                + "'; expected --config FILE or -Dkey=value");
            }
        }
        return load(config, overrides);
    }

    public static Configuration load(Path file, Map<String, String> overrides) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(
                        "Configuration file " + file + " does not exist");
            }
            JsonNode root;
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        file + " is not valid YAML: " + e.getMessage(), e);
            }
            if (root != null && !root.isNull()) {
                if (!root.isObject()) {
                    throw new IllegalArgumentException(file + " must map option keys to values");
                }
                for (Map.Entry<String, JsonNode> e : root.properties()) {
                    if (e.getValue().isContainerNode()) {
                        throw new IllegalArgumentException(
                                file
                                        + ": option "
                                        + e.getKey()
                                        + " must have a plain value, got "
                                        + e.getValue().getNodeType());
                    }
                    values.put(e.getKey(), e.getValue().asText());
                }
            }
        }
        values.putAll(overrides);
        return Configuration.fromMap(values);
    }
}
