package io.fhs.jobs.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.annotation.PublicEvolving;

/** A document or query read from a file: its id, optional title and text. */
@PublicEvolving
public record TextRecord(String id, String title, String text) {
    // An ObjectMapper is costly to build and thread-safe to share; this runs once per document.
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The text a bi-encoder sees: BEIR's convention of title, a space, then body when there is a
     * title.
     */
    public String fullText() {
        return title == null || title.isBlank() ? text : title + " " + text;
    }

    /** The ingest job's input contract for this record: {@code {"id", "text", "title"?}}. */
    public String toDocumentJson() {
        var node = JSON.createObjectNode().put("id", id).put("text", text);
        if (title != null && !title.isBlank()) {
            node.put("title", title);
        }
        return node.toString();
    }
}
