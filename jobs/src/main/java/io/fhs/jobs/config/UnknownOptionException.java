package io.fhs.jobs.config;

import org.apache.flink.annotation.Internal;

/** A key no option, pass-through prefix or Flink option has: a typo, not a setting to ignore. */
@Internal
public final class UnknownOptionException extends ConfigException {
    private final String key;
    private final String nearest;

    public UnknownOptionException(String key, String source, String nearest) {
        super(
                "Unknown option '"
                        + key
                        + "' in "
                        + source
                        + "; the nearest known option is '"
                        + nearest
                        + "'");
        this.key = key;
        this.nearest = nearest;
    }

    public String key() {
        return key;
    }

    public String nearest() {
        return nearest;
    }
}
