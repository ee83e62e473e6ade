package io.fhs.connectors.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * A short check, before a job starts, that the brokers answer with the configured security: a Flink
 * Kafka source that cannot authenticate retries forever, while this fails within seconds with a
 * message a user can act on.
 */
@PublicEvolving
public final class KafkaConnectivity {
    private KafkaConnectivity() {}

    /** Asks the cluster for its nodes; throws {@link KafkaConnectionException} if it cannot. */
    public static void check(Properties clientProperties, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        props.setProperty(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        String where = KafkaProperties.describe(clientProperties);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaConnectionException("Interrupted while checking Kafka at " + where, e);
        } catch (TimeoutException e) {
            throw new KafkaConnectionException(
                    "Kafka at " + where + " did not answer within " + timeout.toSeconds() + " s",
                    e);
        } catch (ExecutionException e) {
            throw new KafkaConnectionException(explain(where, e.getCause()), e.getCause());
        }
    }

    // Kafka's own messages name the failure ("Invalid username or password", the TLS alert) and
    // carry no credential; the JAAS text and passwords are never part of them.
    private static String explain(String where, Throwable cause) {
        if (cause instanceof SaslAuthenticationException) {
            return "Kafka at "
                    + where
                    + " rejected the SASL credentials: "
                    + cause.getMessage()
                    + " (check the user and password in kafka.properties.sasl.jaas.config)";
        }
        if (cause instanceof SslAuthenticationException) {
            return "TLS handshake with Kafka at "
                    + where
                    + " failed: "
                    + rootMessage(cause)
                    + " (check kafka.properties.ssl.truststore.*)";
        }
        if (cause instanceof AuthenticationException) {
            return "Kafka at " + where + " refused authentication: " + cause.getMessage();
        }
        // The admin client retries retriable errors itself until its API timeout; what comes out
        // as one (Kafka's TimeoutException, mostly) means that Kafka did not answer in time.
        if (cause instanceof RetriableException) {
            return "Kafka at "
                    + where
                    + " did not answer in time ("
                    + cause.getMessage()
                    + "); is it running and is security.protocol right?";
        }
        return "Kafka at " + where + " failed: " + cause;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
