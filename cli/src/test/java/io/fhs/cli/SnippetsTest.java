package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnippetsTest {
    @Test
    void stemsHighlightTheirWordsAndTheWindowStartsNearTheFirst() {
        String text = "x ".repeat(60) + "Operating  systems for time-sharing, a system view.";
        String s = Snippets.highlight(text, List.of("system", "time", "of"), false);
        assertThat(s)
                .startsWith("…")
                .contains("Operating [systems] for [time-sharing], a [system] view.")
                .doesNotContain("[for]");
        assertThat(Snippets.highlight("Time", List.of("time"), true))
                .isEqualTo("\u001b[1mTime\u001b[0m");
        assertThat(Snippets.highlight(null, List.of("x"), false)).isEmpty();
    }

    @Test
    void snippetsGiveTheRangesOfTheirTermsAndKeepAWordTheWindowWouldCut() {
        String text = "A " + "filler ".repeat(30) + "Parallel  sorting of parallel arrays";
        Snippets.Snippet s = Snippets.snippet(text, Snippets.terms("parallel sort"));
        assertThat(s.text()).startsWith("…").endsWith("arrays");
        assertThat(s.highlights())
                .extracting(h -> s.text().substring(h.start(), h.end()))
                .containsExactly("Parallel", "sorting", "parallel");
        // The window would end inside "parallelism": the word stays whole.
        String cut = "parallel " + "y".repeat(Snippets.WIDTH - 13) + " parallelism and more";
        Snippets.Snippet c = Snippets.snippet(cut, List.of("parallel"));
        assertThat(c.highlights()).hasSize(2);
        assertThat(c.text()).endsWith(" parallelism…");
    }
}
