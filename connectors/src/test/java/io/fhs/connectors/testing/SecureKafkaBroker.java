package io.fhs.connectors.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker whose only client listener is SASL_SSL (PLAIN), with a
 * self-signed certificate made for the test. It runs in a child JVM from the Kafka server jars on
 * the test classpath, so its JAAS and TLS set-up cannot leak into the clients under test, and its
 * log (which names its own users) stays out of the test's log.
 *
 * <p>The client user {@value #USER} gets a random password per run, so a test can search its own
 * log for it.
 */
public final class SecureKafkaBroker implements BeforeAllCallback, AfterAllCallback {
    public static final String USER = "fhs-client";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String password = "pw-" + UUID.randomUUID();
    private Path dir;
    private TestCertificates certificates;
    private ChildProcess process;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("kafka-secure");
        certificates = TestCertificates.generate(dir.resolve("tls"));
        port = QdrantServer.freePort();
        Path config = writeServerProperties(QdrantServer.freePort());
        run("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", config.toString());
        process = ChildProcess.start(java("kafka.Kafka", config.toString()), log());
        waitReady();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public String password() {
        return password;
    }

    public TestCertificates certificates() {
        return certificates;
    }

    /** The JAAS text that logs {@code user} in with {@code pass}. */
    public static String jaas(String user, String pass) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user
                + "\" password=\""
                + pass
                + "\";";
    }

    /** Client settings apart from the credentials: SASL_SSL, PLAIN, the test certificate. */
    public Map<String, String> securitySettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("security.protocol", "SASL_SSL");
        s.put("sasl.mechanism", "PLAIN");
        s.put("ssl.truststore.type", "PEM");
        s.put("ssl.truststore.location", certificates.cert().toString());
        return s;
    }

    /** Complete client properties for {@value #USER}, for test producers and consumers. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(securitySettings());
        p.put("sasl.jaas.config", jaas(USER, password));
        p.put("bootstrap.servers", bootstrapServers());
        return p;
    }

    private Path writeServerProperties(int controllerPort) throws IOException {
        String listener = "listener.name.sasl_ssl.";
        List<String> lines =
                List.of(
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                        "listeners=SASL_SSL://127.0.0.1:"
                                + port
                                + ",CONTROLLER://127.0.0.1:"
                                + controllerPort,
                        "advertised.listeners=SASL_SSL://127.0.0.1:" + port,
                        "inter.broker.listener.name=SASL_SSL",
                        "controller.listener.names=CONTROLLER",
                        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL",
                        "sasl.enabled.mechanisms=PLAIN",
                        "sasl.mechanism.inter.broker.protocol=PLAIN",
                        // The broker logs in to itself as "broker"; clients log in as USER.
                        listener
                                + "plain.sasl.jaas.config="
                                + "org.apache.kafka.common.security.plain.PlainLoginModule"
                                + " required username=\\\"broker\\\" password=\\\"broker-pw\\\""
                                + " user_broker=\\\"broker-pw\\\" user_"
                                + USER
                                + "=\\\""
                                + password
                                + "\\\";",
                        "ssl.keystore.type=PEM",
                        "ssl.keystore.location=" + certificates.keyAndCert(),
                        "ssl.truststore.type=PEM",
                        "ssl.truststore.location=" + certificates.cert(),
                        "log.dirs=" + dir.resolve("data"),
                        "num.partitions=1",
                        "auto.create.topics.enable=true",
                        "offsets.topic.replication.factor=1",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "share.coordinator.state.topic.replication.factor=1",
                        "share.coordinator.state.topic.min.isr=1",
                        "group.initial.rebalance.delay.ms=0");
        Path config = dir.resolve("server.properties");
        Files.write(config, lines);
        return config;
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile());
    }

    private void run(String mainClass, String... args) throws Exception {
        try (ChildProcess tool = ChildProcess.start(java(mainClass, args), log())) {
            if (tool.waitFor(Duration.ofSeconds(60)) != 0) {
                throw new ChildProcessException(mainClass + " failed; log:\n" + tool.output());
            }
        }
    }

    private Path log() {
        return dir.resolve("kafka.log");
    }

    // 16 random bytes, base64url without padding, as `kafka-storage random-uuid` makes them.
    private static String clusterId() {
        String id;
        do {
            id =
                    Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(
                                    ByteBuffer.allocate(16)
                                            .putLong(UUID.randomUUID().getMostSignificantBits())
                                            .putLong(UUID.randomUUID().getLeastSignificantBits())
                                            .array());
        } while (id.startsWith("-"));
        return id;
    }

    private void waitReady() throws Exception {
        Properties probe = clientProperties();
        probe.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        probe.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(probe)) {
            Poll.until(
                    START_TIMEOUT,
                    "Kafka (SASL_SSL) ready on port " + port,
                    () -> {
                        process.requireAlive("Kafka");
                        // Each attempt waits for its own timeout while the broker starts.
                        return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
                    });
        }
    }
}
