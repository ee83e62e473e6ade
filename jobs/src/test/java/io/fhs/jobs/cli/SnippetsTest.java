package io.fhs.jobs.cli;

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
}
