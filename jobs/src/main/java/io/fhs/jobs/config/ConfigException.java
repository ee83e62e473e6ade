package io.fhs.jobs.config;

import org.apache.flink.annotation.Internal;

/**
 * A configuration that cannot run: a bad value, an unknown key, an unreadable file. An {@link
 * IllegalArgumentException}, as the command line reports those with their message alone.
 */
@Internal
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
