package io.fhs.operators.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/** A parsed JSON configuration object with typed accessors whose errors name file and field. */
@Internal
public final class ConfigFile {
    private final Path file;
    private final JsonNode node;

    public ConfigFile(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new ModelException(file + " must be a JSON object, got " + node.getNodeType());
        }
        this.file = file;
        this.node = node;
    }

    /** Reads {@code relative} from {@code dir}; empty when the file does not exist. */
    public static Optional<ConfigFile> optional(ModelDirectory dir, String relative) {
        return dir.json(relative).map(n -> new ConfigFile(dir.root().resolve(relative), n));
    }

    /** Reads {@code relative} from {@code dir}; fails naming the file when it does not exist. */
    public static ConfigFile required(ModelDirectory dir, String relative) {
        return new ConfigFile(dir.root().resolve(relative), dir.requireJson(relative));
    }

    /** Reads {@code file}; empty when it does not exist. */
    public static Optional<ConfigFile> optional(Path file) {
        return ModelDirectory.readJson(file).map(n -> new ConfigFile(file, n));
    }

    /** Reads {@code file}; fails naming it when it does not exist. */
    public static ConfigFile required(Path file) {
        return optional(file).orElseThrow(() -> new ModelException("Missing " + file));
    }

    /** The parsed object, for files whose fields are data rather than settings. */
    public JsonNode node() {
        return node;
    }

    public Path file() {
        return file;
    }

    public boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    public boolean bool(String field, boolean defaultValue) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw wrongType(field, "a boolean", value);
        }
        return value.booleanValue();
    }

    public int positiveInt(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ModelException(file + ": missing \"" + field + "\" (a positive integer)");
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() <= 0) {
            throw wrongType(field, "a positive integer", value);
        }
        return value.intValue();
    }

    public Optional<Integer> optionalPositiveInt(String field) {
        return has(field) ? Optional.of(positiveInt(field)) : Optional.empty();
    }

    public Optional<String> string(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw wrongType(field, "a string", value);
        }
        return Optional.of(value.textValue());
    }

    /** A JSON object of string values, e.g. sentence-transformers' {@code prompts}. */
    public Map<String, String> stringMap(String field) {
        Map<String, String> result = new LinkedHashMap<>();
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return result;
        }
        if (!value.isObject()) {
            throw wrongType(field, "an object of strings", value);
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw wrongType(field + "." + e.getKey(), "a string", e.getValue());
            }
            result.put(e.getKey(), e.getValue().textValue());
        }
        return result;
    }

    private ModelException wrongType(String field, String expected, JsonNode actual) {
        return new ModelException(
                file + ": \"" + field + "\" must be " + expected + ", got " + actual);
    }
}
