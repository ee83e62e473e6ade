package io.fhs.jobs.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.SearchRequest;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The query contract: {@code {"query_id": str, "text": str, "top_k"?: int, "filter"?: {field:
 * value...}, "mode"?: "dense"|"sparse"|"hybrid", "rerank"?: bool}}. Violations name the field and
 * what was expected.
 */
@Internal
public final class QueryParser implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_TOP_K = 1000;

    private final int defaultTopK;
    private final SearchRequest.Mode defaultMode;
    private final boolean defaultRerank;
    private transient ObjectMapper json;

    /** A query that breaks the contract; {@link #queryId} is set when it could be read. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final String queryId;

        Invalid(String queryId, String message) {
            super(message);
            this.queryId = queryId;
        }

        public String queryId() {
            return queryId;
        }
    }

    public QueryParser(int defaultTopK, SearchRequest.Mode defaultMode, boolean defaultRerank) {
        this.defaultTopK = defaultTopK;
        this.defaultMode = defaultMode;
        this.defaultRerank = defaultRerank;
    }

    public Query parse(KafkaRecord record) throws Invalid {
        String keyId =
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            throw new Invalid(keyId, "empty record: expected a JSON object");
        }
        if (json == null) {
            json = new ObjectMapper();
        }
        JsonNode root;
        try {
            root = json.readTree(record.value());
        } catch (JsonProcessingException e) {
            throw new Invalid(keyId, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid(keyId, "unreadable record: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(keyId, "expected a JSON object");
        }
        JsonNode id = root.get("query_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new Invalid(keyId, "query_id: expected a non-empty string");
        }
        String queryId = id.asText();
        JsonNode text = root.get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw new Invalid(queryId, "text: expected a non-empty string" + got(text));
        }
        int topK = defaultTopK;
        JsonNode k = root.get("top_k");
        if (k != null && !k.isNull()) {
            if (!k.isIntegralNumber() || k.asInt() < 1 || k.asInt() > MAX_TOP_K) {
                throw new Invalid(
                        queryId, "top_k: expected an integer from 1 to " + MAX_TOP_K + got(k));
            }
            topK = k.asInt();
        }
        SearchRequest.Mode mode = defaultMode;
        JsonNode m = root.get("mode");
        if (m != null && !m.isNull()) {
            try {
                mode = SearchRequest.Mode.valueOf(m.asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Invalid(queryId, "mode: expected dense, sparse or hybrid" + got(m));
            }
            if (!m.isTextual()) {
                throw new Invalid(queryId, "mode: expected dense, sparse or hybrid" + got(m));
            }
        }
        boolean rerank = defaultRerank;
        JsonNode r = root.get("rerank");
        if (r != null && !r.isNull()) {
            if (!r.isBoolean()) {
                throw new Invalid(queryId, "rerank: expected true or false" + got(r));
            }
            rerank = r.asBoolean();
        }
        return new Query(
                queryId,
                text.asText(),
                topK,
                filter(queryId, root.get("filter")),
                mode,
                rerank,
                System.currentTimeMillis());
    }

    private static Map<String, String> filter(String queryId, JsonNode f) throws Invalid {
        Map<String, String> out = new LinkedHashMap<>();
        if (f == null || f.isNull()) {
            return out;
        }
        if (!f.isObject()) {
            throw new Invalid(queryId, "filter: expected an object of field: value" + got(f));
        }
        var fields = f.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new Invalid(
                        queryId,
                        "filter."
                                + e.getKey()
                                + ": expected a string, number or boolean"
                                + got(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String got(JsonNode n) {
        return n == null ? ", got nothing" : ", got " + n;
    }
}
