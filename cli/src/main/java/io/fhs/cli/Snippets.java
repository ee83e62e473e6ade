package io.fhs.cli;

import io.fhs.operators.sparse.Bm25Encoder;
import io.fhs.operators.sparse.Bm25Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A short window of a hit's text around its first query term, with the terms highlighted. */
public final class Snippets {
    static final int WIDTH = 160;
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}\\p{N}'-]*");

    private Snippets() {}

    /** A highlighted character range of a snippet, {@code [start, end)} in UTF-16 units. */
    public record Span(int start, int end) {}

    /**
     * A window of a text, whitespace collapsed, with the ranges of its query terms.
     *
     * @param text the window, with "…" where it cuts the text
     * @param highlights the query terms' ranges in {@code text}, in order
     */
    public record Snippet(String text, List<Span> highlights) {}

    /**
     * Stemmed query terms, so that "systems" in the query highlights "system" in a snippet: the
     * BM25 analyzer's terms, as the sparse search sees the query.
     */
    public static List<String> terms(String query) {
        try (Bm25Encoder bm25 = new Bm25Encoder(Bm25Options.defaults())) {
            return bm25.analyze(query);
        }
    }

    /**
     * A window of about {@value #WIDTH} characters of {@code text} that starts shortly before its
     * first word whose lower-case form starts with one of {@code stems} (Porter stems are prefixes
     * of their words, mostly), with every such word in the window as a highlight.
     */
    public static Snippet snippet(String text, List<String> stems) {
        if (text == null || text.isBlank()) {
            return new Snippet("", List.of());
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        List<Span> words = new ArrayList<>();
        Matcher m = WORD.matcher(flat);
        while (m.find()) {
            if (matches(m.group(), stems)) {
                words.add(new Span(m.start(), m.end()));
            }
        }
        int first = words.isEmpty() ? 0 : words.get(0).start();
        int from = Math.max(0, first - 40);
        // The window starts and ends between words, and keeps every highlighted word whole.
        if (from > 0 && flat.charAt(from - 1) != ' ') {
            int space = flat.indexOf(' ', from);
            from = space >= 0 && space < first ? space + 1 : first;
        }
        int to = Math.min(flat.length(), from + WIDTH);
        int lastEnd = from;
        for (Span w : words) {
            if (w.start() < to) {
                to = Math.max(to, w.end());
                lastEnd = w.end();
            }
        }
        if (to < flat.length() && flat.charAt(to) != ' ') {
            int space = flat.lastIndexOf(' ', to);
            if (space >= lastEnd && space > from) {
                to = space;
            }
        }
        String prefix = from > 0 ? "…" : "";
        List<Span> inside = new ArrayList<>();
        for (Span w : words) {
            if (w.start() >= from && w.end() <= to) {
                int shift = prefix.length() - from;
                inside.add(new Span(w.start() + shift, w.end() + shift));
            }
        }
        String window = prefix + flat.substring(from, to) + (to < flat.length() ? "…" : "");
        return new Snippet(window, List.copyOf(inside));
    }

    /**
     * The {@link #snippet} of {@code text} as one string: highlights in ANSI bold on a terminal, in
     * [brackets] otherwise.
     */
    static String highlight(String text, List<String> stems, boolean ansi) {
        Snippet s = snippet(text, stems);
        StringBuilder out = new StringBuilder();
        int last = 0;
        for (Span h : s.highlights()) {
            out.append(s.text(), last, h.start())
                    .append(ansi ? "\u001b[1m" : "[")
                    .append(s.text(), h.start(), h.end())
                    .append(ansi ? "\u001b[0m" : "]");
            last = h.end();
        }
        return out.append(s.text().substring(last)).toString();
    }

    private static boolean matches(String word, List<String> stems) {
        String w = word.toLowerCase(Locale.ROOT);
        for (String s : stems) {
            if (s.length() >= 3 && w.startsWith(s)) {
                return true;
            }
        }
        return false;
    }
}
