package io.fhs.operators.model;

import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Whether a text is a search query or a document; selects the prompt, as in sentence-transformers.
 */
@PublicEvolving
public enum Role {
    QUERY(List.of("query")),
    DOCUMENT(List.of("document", "passage", "corpus"));

    private final List<String> promptNames;

    Role(List<String> promptNames) {
        this.promptNames = promptNames;
    }

    /** Prompt names tried in order, as {@code encode_query}/{@code encode_document} do. */
    public List<String> promptNames() {
        return promptNames;
    }
}
