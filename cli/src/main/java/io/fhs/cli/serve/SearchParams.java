package io.fhs.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request's query string as a {@link Query}: the parameters become the query contract's JSON
 * fields and go through the query job's own {@link QueryParser}, so that HTTP and Kafka queries get
 * the same defaults, limits and error messages.
 */
final class SearchParams {
    static final int MAX_QUERY_CHARS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SearchParams() {}

    /** The decoded parameters of a raw query string ({@code null}: none). */
    static Map<String, String> decode(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodePart(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodePart(pair.substring(eq + 1));
            if (out.put(name, value) != null) {
                throw ApiException.badRequest(name + ": given more than once");
            }
        }
        return out;
    }

    private static String decodePart(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "malformed query string: " + e.getMessage(), e);
        }
    }

    /** Refuses parameters outside {@code allowed}, so that a typo (topk=5) is not ignored. */
    static void allowOnly(Map<String, String> params, Set<String> allowed) {
        for (String name : params.keySet()) {
            if (!allowed.contains(name)) {
                throw ApiException.badRequest(
                        name + ": unknown parameter (expected " + String.join(", ", allowed) + ")");
            }
        }
    }

    /**
     * The query {@code params} ask for ({@code q}, and {@code mode}, {@code top_k}, {@code rerank}
     * where given, else the parser's defaults); {@code mode}, when not null, overrides theirs.
     */
    static Query query(
            QueryParser parser, Map<String, String> params, SearchRequest.Mode mode, String id) {
        String q = params.get("q");
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("q: expected a non-empty query");
        }
        if (q.length() > MAX_QUERY_CHARS) {
            throw ApiException.badRequest(
                    "q: expected at most " + MAX_QUERY_CHARS + " characters, got " + q.length());
        }
        ObjectNode json = JSON.createObjectNode().put("query_id", id).put("text", q.strip());
        String topK = given(params, "top_k");
        if (topK != null) {
            try {
                json.put("top_k", Integer.parseInt(topK));
            } catch (NumberFormatException e) {
                // The parser names the field and what it expected.
                json.put("top_k", topK);
            }
        }
        String rerank = given(params, "rerank");
        if (rerank != null) {
            switch (rerank.toLowerCase(Locale.ROOT)) {
                case "true" -> json.put("rerank", true);
                case "false" -> json.put("rerank", false);
                default -> json.put("rerank", rerank);
            }
        }
        if (mode != null) {
            json.put("mode", mode.name().toLowerCase(Locale.ROOT));
        } else if (given(params, "mode") != null) {
            json.put("mode", params.get("mode"));
        }
        byte[] value = json.toString().getBytes(StandardCharsets.UTF_8);
        try {
            return parser.parse(
                    new KafkaRecord(
                            "http",
                            0,
                            0,
                            System.currentTimeMillis(),
                            id.getBytes(StandardCharsets.UTF_8),
                            value));
        } catch (QueryParser.Invalid e) {
            throw new ApiException(400, e.getMessage(), e);
        }
    }

    // An empty value (top_k=) means the default, as a form's untouched field sends it.
    private static String given(Map<String, String> params, String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
