package io.fhs.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.jobs.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class RestartBudgetTest {
    static RestartBudget of(boolean checkpointing, String... keyValues) {
        Configuration c = new Configuration();
        for (int i = 0; i < keyValues.length; i += 2) {
            c.setString(keyValues[i], keyValues[i + 1]);
        }
        return RestartBudget.of(c, checkpointing);
    }

    @Test
    void withoutKeysFlinkRestartsCheckpointedJobsForeverAndOthersNever() {
        assertThat(of(true)).isEqualTo(new RestartBudget("exponential-delay", -1));
        assertThat(of(false)).isEqualTo(new RestartBudget("none", 0));
        assertThat(of(true).count(7)).isEqualTo("7");
    }

    @Test
    void fixedAndExponentialDelayCountTheirAttempts() {
        RestartBudget fixed =
                of(
                        true,
                        "restart-strategy.type",
                        "fixed-delay",
                        "restart-strategy.fixed-delay.attempts",
                        "2");
        assertThat(fixed).isEqualTo(new RestartBudget("fixed-delay", 2));
        assertThat(fixed.count(1)).isEqualTo("1/2");
        assertThat(
                        of(
                                false,
                                "restart-strategy.type",
                                "exponentialdelay",
                                "restart-strategy.exponential-delay.attempts-before-reset-backoff",
                                "5"))
                .isEqualTo(new RestartBudget("exponential-delay", 5));
        assertThat(of(true, "restart-strategy.type", "failure-rate").bounded()).isFalse();
        assertThat(of(true, "restart-strategy.type", "NONE").maxAttempts()).isZero();
    }

    @Test
    void theShippedConfigsGiveThreeAttempts() {
        for (String file : new String[] {"ingest.yaml", "query.yaml"}) {
            Path path = Path.of(System.getProperty("fhs.root", ".."), "conf", file);
            assertThat(RestartBudget.of(ConfigLoader.load(path, Map.of()), true))
                    .as(file)
                    .isEqualTo(new RestartBudget("exponential-delay", 3));
        }
    }

    @Test
    void badValuesFailNamingTheOption() {
        assertThatThrownBy(() -> of(true, "restart-strategy.type", "sometimes"))
                .hasMessage(
                        "restart-strategy.type must be none, fixed-delay, exponential-delay or"
                                + " failure-rate, got 'sometimes'");
        assertThatThrownBy(
                        () ->
                                of(
                                        true,
                                        "restart-strategy.type",
                                        "fixed-delay",
                                        "restart-strategy.fixed-delay.attempts",
                                        "-1"))
                .hasMessage("restart-strategy.fixed-delay.attempts must be >= 0, got -1");
    }
}
