package io.fhs.jobs.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.config.ConfigLoader;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The reindex options' checks name the option; the defaults pass; the loader knows the keys. */
class ReindexOptionsTest {
    private static void fails(Map<String, String> values, String message) {
        assertThatThrownBy(() -> ReindexOptions.sanityCheck(Configuration.fromMap(values)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void theDefaultsPass() {
        Configuration defaults = new Configuration();
        assertThatNoException().isThrownBy(() -> ReindexOptions.sanityCheck(defaults));
        assertThat(defaults.get(ReindexOptions.POLL_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.get(ReindexOptions.MAX_LAG)).isEqualTo(1000L);
        assertThat(defaults.get(ReindexOptions.MAX_PASSES)).isEqualTo(5);
    }

    @Test
    void eachCheckNamesItsOption() {
        fails(
                Map.of("reindex.poll-interval", "0 s"),
                "reindex.poll-interval must be a positive duration, got PT0S");
        fails(
                Map.of("reindex.follow-interval", "0 ms"),
                "reindex.follow-interval must be a positive duration, got PT0S");
        fails(Map.of("reindex.max-passes", "0"), "reindex.max-passes must be >= 1, got 0");
        fails(Map.of("reindex.max-lag", "-1"), "reindex.max-lag must be >= 0 records, got -1");
    }

    @Test
    void aConfigurationMaySetThem() {
        Configuration c =
                ConfigLoader.load(
                        null,
                        Map.of("reindex.max-lag", "10", "reindex.poll-interval", "500 ms"),
                        Map.of());
        assertThat(c.get(ReindexOptions.MAX_LAG)).isEqualTo(10L);
        assertThat(c.get(ReindexOptions.POLL_INTERVAL)).isEqualTo(Duration.ofMillis(500));
    }
}
