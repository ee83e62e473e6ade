package io.fhs.jobs.options;

import io.fhs.jobs.config.ConfigException;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/** The checks the option classes' {@code sanityCheck}s share; each message names the option. */
@Internal
public final class OptionChecks {
    private OptionChecks() {}

    public static void atLeast(Configuration c, ConfigOption<Integer> option, int min) {
        if (c.get(option) < min) {
            throw new ConfigException(
                    option.key() + " must be >= " + min + ", got " + c.get(option));
        }
    }

    public static void positive(Configuration c, ConfigOption<Integer> option) {
        atLeast(c, option, 1);
    }

    public static void atMost(
            Configuration c, ConfigOption<Integer> option, int max, String because) {
        if (c.get(option) > max) {
            throw new ConfigException(
                    option.key()
                            + " must be <= "
                            + max
                            + " ("
                            + because
                            + "), got "
                            + c.get(option));
        }
    }

    public static void positiveDuration(Configuration c, ConfigOption<Duration> option) {
        Duration d = c.get(option);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(option.key() + " must be a positive duration, got " + d);
        }
    }

    public static void notNegative(Configuration c, ConfigOption<Duration> option) {
        if (c.get(option).isNegative()) {
            throw new ConfigException(option.key() + " must not be negative, got " + c.get(option));
        }
    }

    public static void notBlank(Configuration c, ConfigOption<String> option) {
        String v = c.get(option);
        if (v == null || v.isBlank()) {
            throw new ConfigException(option.key() + " must not be blank");
        }
    }

    /**
     * Checks that {@code capacity} (items in flight) holds a full batch for every worker: with
     * fewer, no worker ever gets one. {@code items} names what is in flight in the message.
     */
    public static void holdsFullBatches(
            Configuration c,
            ConfigOption<Integer> capacity,
            ConfigOption<Integer> workers,
            ConfigOption<Integer> batchSize,
            String items) {
        long fullBatches = (long) c.get(workers) * c.get(batchSize);
        if (c.get(capacity) < fullBatches) {
            throw new ConfigException(
                    String.format(
                            Locale.ROOT,
                            "%s must be >= %s x %s = %d, got %d: with fewer %s in flight, no worker"
                                    + " ever gets a full batch",
                            capacity.key(),
                            workers.key(),
                            batchSize.key(),
                            fullBatches,
                            c.get(capacity),
                            items));
        }
    }
}
