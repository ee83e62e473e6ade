package io.fhs.operators.model;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Sentence-transformers pooling modes, in the order its {@code Pooling} module concatenates them
 * when several are enabled.
 */
@PublicEvolving
public enum PoolingMode {
    CLS("pooling_mode_cls_token", "cls"),
    MAX("pooling_mode_max_tokens", "max"),
    MEAN("pooling_mode_mean_tokens", "mean"),
    MEAN_SQRT_LEN_TOKENS("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len_tokens"),
    WEIGHTED_MEAN("pooling_mode_weightedmean_tokens", "weightedmean"),
    LAST_TOKEN("pooling_mode_lasttoken", "lasttoken");

    private final String configKey;
    private final String stName;

    PoolingMode(String configKey, String stName) {
        this.configKey = configKey;
        this.stName = stName;
    }

    /** The boolean key in {@code 1_Pooling/config.json}. */
    public String configKey() {
        return configKey;
    }

    /** The name sentence-transformers uses for {@code pooling_mode="..."}. */
    public String stName() {
        return stName;
    }

    public static PoolingMode fromName(String name) {
        for (PoolingMode mode : values()) {
            if (mode.stName.equalsIgnoreCase(name) || mode.name().equalsIgnoreCase(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "Unknown pooling mode '"
                        + name
                        + "', expected one of cls, max, mean, mean_sqrt_len_tokens,"
                        + " weightedmean, lasttoken");
    }
}
