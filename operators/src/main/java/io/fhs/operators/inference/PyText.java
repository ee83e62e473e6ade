package io.fhs.operators.inference;

import java.util.Locale;

/** Python string semantics that sentence-transformers relies on and Java spells differently. */
final class PyText {
    private PyText() {}

    /**
     * {@code str.strip()}: removes leading and trailing characters for which Python's isspace
     * holds.
     */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPySpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPySpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code str.lower()} for the texts models see (locale-independent). */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    // Python's str.isspace(): Unicode White_Space plus the ASCII separators 0x1c-0x1f; unlike
    // Java's Character.isWhitespace it includes the no-break spaces (U+00A0, U+2007, U+202F).
    static boolean isPySpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
        }
        return c == 0x85
                || c == 0xa0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202f
                || c == 0x205f
                || c == 0x3000;
    }
}
