package io.fhs.jobs.data;

/** A document or query read from a file: its id, optional title and text. */
public record TextRecord(String id, String title, String text) {
    /**
     * The text a bi-encoder sees: BEIR's convention of title, a space, then body when there is a
     * title.
     */
    public String fullText() {
        return title == null || title.isBlank() ? text : title + " " + text;
    }
}
