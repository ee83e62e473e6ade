package io.fhs.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * Reads a flat {@code key: value} YAML file (as conf/ingest.yaml) into its keys and values; {@link
 * ConfigLoader} puts them in their place among the other sources.
 */
@Internal
public final class YamlConfig {
    private YamlConfig() {}

    /** The file's entries in file order; an empty file has none. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("Configuration file " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file + " is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + " must map option keys to values");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getValue().isContainerNode()) {
                throw new ConfigException(
                        file
                                + ": option "
                                + e.getKey()
                                + " must have a plain value, got "
                                + e.getValue().getNodeType());
            }
            values.put(e.getKey(), e.getValue().asText());
        }
        return values;
    }
}
