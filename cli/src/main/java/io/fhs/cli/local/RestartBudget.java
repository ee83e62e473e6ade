package io.fhs.cli.local;

import java.util.Locale;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * How many restarts Flink allows a job, read from the {@code restart-strategy.*} keys the way
 * Flink's scheduler reads them (no key: exponential-delay without a limit when checkpointing, no
 * restarts otherwise). Only what the CLI reports needs this; Flink applies the keys itself.
 *
 * @param strategy the restart strategy's canonical name
 * @param maxAttempts restarts before the job fails for good, or {@link #UNBOUNDED}
 */
public record RestartBudget(String strategy, int maxAttempts) {
    public static final int UNBOUNDED = -1;

    /** The budget {@code conf} gives a job; fails naming the option when a value is invalid. */
    public static RestartBudget of(Configuration conf, boolean checkpointing) {
        Optional<String> configured = conf.getOptional(RestartStrategyOptions.RESTART_STRATEGY);
        String type =
                configured
                        .map(t -> t.trim().toLowerCase(Locale.ROOT))
                        .orElse(checkpointing ? "exponential-delay" : "none");
        return switch (type) {
            case "none", "off", "disable" -> new RestartBudget("none", 0);
            case "fixed-delay", "fixeddelay" ->
                    new RestartBudget(
                            "fixed-delay",
                            attempts(
                                    conf,
                                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS));
            case "exponential-delay", "exponentialdelay" ->
                    new RestartBudget(
                            "exponential-delay",
                            attempts(
                                    conf,
                                    RestartStrategyOptions
                                            .RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));
            // Failures per interval: the job may restart forever at a rate below the limit.
            case "failure-rate", "failurerate" -> new RestartBudget("failure-rate", UNBOUNDED);
            default ->
                    throw new IllegalArgumentException(
                            RestartStrategyOptions.RESTART_STRATEGY.key()
                                    + " must be none, fixed-delay, exponential-delay or"
                                    + " failure-rate, got '"
                                    + configured.orElse("")
                                    + "'");
        };
    }

    private static int attempts(Configuration conf, ConfigOption<Integer> option) {
        int n = conf.get(option);
        if (n < 0) {
            throw new IllegalArgumentException(option.key() + " must be >= 0, got " + n);
        }
        return n == Integer.MAX_VALUE ? UNBOUNDED : n;
    }

    public boolean bounded() {
        return maxAttempts != UNBOUNDED;
    }

    /** Restart number {@code n} against the budget: "2/5", or "2" without a limit. */
    public String count(int n) {
        return bounded() ? n + "/" + maxAttempts : Integer.toString(n);
    }
}
