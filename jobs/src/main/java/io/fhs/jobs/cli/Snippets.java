package io.fhs.jobs.cli;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A short window of a hit's text around its first query term, with the terms highlighted. */
final class Snippets {
    static final int WIDTH = 160;
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}\\p{N}'-]*");

    private Snippets() {}

    /**
     * Highlights words whose lower-case form starts with one of {@code stems} (Porter stems are
     * prefixes of their words, mostly): ANSI bold on a terminal, [brackets] otherwise.
     */
    static String highlight(String text, List<String> stems, boolean ansi) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        Matcher m = WORD.matcher(flat);
        int first = -1;
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            if (!matches(m.group(), stems)) {
                continue;
            }
            if (first < 0) {
                first = m.start();
            }
            out.append(flat, last, m.start())
                    .append(ansi ? "\u001b[1m" : "[")
                    .append(m.group())
                    .append(ansi ? "\u001b[0m" : "]");
            last = m.end();
        }
        out.append(flat.substring(last));
        String marked = out.toString();
        int markers = marked.length() - flat.length();
        int from = Math.max(0, first - 40);
        int to = Math.min(marked.length(), from + WIDTH + markers);
        return (from > 0 ? "…" : "")
                + marked.substring(from, to)
                + (to < marked.length() ? "…" : "");
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
