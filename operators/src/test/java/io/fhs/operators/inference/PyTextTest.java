package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Expected values are what CPython 3 prints for the same strings. */
class PyTextTest {
    @Test
    void stripRemovesWhatPythonCallsWhitespace() {
        // All of these are str.isspace() in Python; Java's String.strip() keeps \u00a0 and \u202f.
        assertThat(PyText.strip("\u00a0 hello\u3000")).isEqualTo("hello");
        assertThat(PyText.strip("\u001c\u001d\u001e\u001fhello\t\n\u000b\f\r")).isEqualTo("hello");
        assertThat(PyText.strip("\u0085\u2007\u202f\u205f\u2028\u2029hello\u1680\u2000\u200a"))
                .isEqualTo("hello");
    }

    @Test
    void stripKeepsInnerWhitespaceAndNonSpaces() {
        assertThat(PyText.strip("  two\u00a0 words  ")).isEqualTo("two\u00a0 words");
        // Zero-width space and BOM are not whitespace to Python: "\u200b".isspace() is False.
        assertThat(PyText.strip("\u200bx\ufeff")).isEqualTo("\u200bx\ufeff");
        assertThat(PyText.strip(" \u3000 ")).isEmpty();
        assertThat(PyText.strip("")).isEmpty();
    }

    @Test
    void isPySpaceMatchesPythonOnTheFirstCodePlane() {
        // Python's whitespace set, written out: any difference to isPySpace fails the loop.
        String pythonSpaces =
                "\t\n\u000b\f\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680"
                        + "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                        + "\u2028\u2029\u202f\u205f\u3000";
        List<String> mismatches = new ArrayList<>();
        for (int c = 0; c <= 0xffff; c++) {
            if (PyText.isPySpace((char) c) != (pythonSpaces.indexOf(c) >= 0)) {
                mismatches.add(String.format("U+%04X", c));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void lowerIsLocaleIndependent() {
        // A Turkish default locale makes String.toLowerCase() map I to a dotless i; Python never
        // does, and a model would then see different word pieces on such machines.
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(PyText.lower("HELLO World ISTANBUL")).isEqualTo("hello world istanbul");
        } finally {
            Locale.setDefault(saved);
        }
    }
}
