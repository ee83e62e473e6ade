package io.fhs.operators.inference;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.operators.model.ModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The token strings of a tokenizer's vocabulary, read from {@code tokenizer.json}'s model.vocab.
 */
@Internal
public final class Vocabulary {
    private final String[] tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(String[] tokens, Map<String, Integer> ids) {
        this.tokens = tokens;
        this.ids = ids;
    }

    public static Vocabulary load(Path tokenizerJson) {
        Map<String, Integer> ids = new HashMap<>();
        // Streaming: tokenizer.json files run to tens of megabytes for large vocabularies.
        try (JsonParser p = new ObjectMapper().getFactory().createParser(tokenizerJson.toFile())) {
            if (!seekVocab(p)) {
                throw new ModelException(
                        tokenizerJson
                                + ": no model.vocab object (only WordPiece/WordLevel vocabularies"
                                + " of the form {token: id} are supported)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                p.nextToken();
                ids.put(token, p.getIntValue());
            }
        } catch (IOException e) {
            throw new ModelException("Cannot read the vocabulary of " + tokenizerJson, e);
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] tokens = new String[size];
        ids.forEach((token, id) -> tokens[id] = token);
        return new Vocabulary(tokens, ids);
    }

    private static boolean seekVocab(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("model".equals(field) && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = p.currentName();
                    JsonToken innerValue = p.nextToken();
                    if ("vocab".equals(inner) && innerValue == JsonToken.START_OBJECT) {
                        return true;
                    }
                    p.skipChildren();
                }
                return false;
            }
            p.skipChildren();
        }
        return false;
    }

    public int size() {
        return tokens.length;
    }

    /** The token of an id, or {@code [id]} for ids outside the vocabulary. */
    public String token(int id) {
        return id >= 0 && id < tokens.length && tokens[id] != null ? tokens[id] : "[" + id + "]";
    }

    /** The id of a token, or -1. */
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }
}
