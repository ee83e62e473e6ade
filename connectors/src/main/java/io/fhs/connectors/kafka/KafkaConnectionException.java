package io.fhs.connectors.kafka;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The Kafka brokers cannot be used as configured: unreachable, or they reject the credentials or
 * the certificate. The message names the servers and the mechanism, never a credential.
 */
@PublicEvolving
public class KafkaConnectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
