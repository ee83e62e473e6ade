package io.fhs.jobs.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Reads JSON-lines files of documents or queries: BEIR's {@code {"_id", "title", "text"}} or our
 * own {@code {"id", "title", "text"}}. A bad line is an error naming the line and the field.
 */
@PublicEvolving
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {}

    public static List<TextRecord> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    public static List<TextRecord> read(InputStream in, String source) throws IOException {
        List<TextRecord> records = new ArrayList<>();
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (!line.isBlank()) {
                records.add(parse(line, source + ":" + number));
            }
        }
        return records;
    }

    /** Parses one line; {@code where} (file:line) prefixes any error. */
    public static TextRecord parse(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    where + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException(
                    where
                            + ": field \"text\" must be a string, got "
                            + (text == null ? "nothing" : text.getNodeType()));
        }
        String id = optionalString(node, "_id", where);
        if (id == null) {
            id = optionalString(node, "id", where);
        }
        return new TextRecord(id, optionalString(node, "title", where), text.textValue());
    }

    private static String optionalString(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw new IllegalArgumentException(
                    where
                            + ": field \""
                            + field
                            + "\" must be a string, got "
                            + value.getNodeType());
        }
        return value.asText();
    }
}
