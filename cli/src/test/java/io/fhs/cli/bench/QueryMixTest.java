package io.fhs.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryMixTest {
    static List<String> pool(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("query " + i);
        }
        return out;
    }

    @Test
    void aboutTheAskedShareRepeatsAndEarlyQueriesArePopular() {
        List<String> texts = QueryMix.of(pool(5_000), 4_000, 0.3, 7);
        assertThat(texts).hasSize(4_000);
        assertThat(QueryMix.repeatShare(texts)).isBetween(0.28, 0.32);
        Map<String, Integer> counts = new HashMap<>();
        texts.forEach(t -> counts.merge(t, 1, Integer::sum));
        assertThat(counts.get("query 0")).isGreaterThan(counts.getOrDefault("query 500", 1) * 5);
        assertThat(QueryMix.of(pool(5_000), 4_000, 0.3, 7)).isEqualTo(texts);
    }

    @Test
    void noRepeatsGivesThePoolInOrderAndAnExhaustedPoolRepeats() {
        assertThat(QueryMix.of(pool(3), 3, 0, 1)).containsExactly("query 0", "query 1", "query 2");
        List<String> more = QueryMix.of(pool(3), 10, 0, 1);
        assertThat(more.subList(0, 3)).containsExactly("query 0", "query 1", "query 2");
        assertThat(QueryMix.repeatShare(more)).isEqualTo(0.7);
        assertThatThrownBy(() -> QueryMix.of(pool(3), 3, 1.5, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QueryMix.of(List.of(), 3, 0.1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
