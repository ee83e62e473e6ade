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
