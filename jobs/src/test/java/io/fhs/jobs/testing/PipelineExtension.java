package io.fhs.jobs.testing;

import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a pipeline test runs against, started once per test class and stopped after it: a Flink
 * MiniCluster (the context environment of each test), a real Kafka broker and a real Qdrant server.
 * Each part can be left out or replaced (a TLS Qdrant, a reporter in the Flink configuration).
 * {@link #name} gives each test fresh topic and collection names.
 *
 * <pre>{@code
 * @RegisterExtension static final PipelineExtension PIPELINE = PipelineExtension.builder().build();
 * static final KafkaCluster KAFKA = PIPELINE.kafka();
 * static final QdrantServer QDRANT = PIPELINE.qdrant();
 * }</pre>
 */
public final class PipelineExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final MiniClusterExtension flink;
    private final KafkaCluster kafka;
    private final QdrantServer qdrant;
    private String testName = "test";

    private PipelineExtension(Builder b) {
        this.flink =
                b.miniCluster
                        ? new MiniClusterExtension(
                                new MiniClusterResourceConfiguration.Builder()
                                        .setConfiguration(b.configuration)
                                        .setNumberTaskManagers(1)
                                        .setNumberSlotsPerTaskManager(b.slots)
                                        .build())
                        : null;
        this.kafka = b.kafka ? new KafkaCluster() : null;
        this.qdrant = b.qdrant;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the extension starts; by default all three parts, with two task slots. */
    public static final class Builder {
        private int slots = 2;
        private Configuration configuration = new Configuration();
        private boolean miniCluster = true;
        private boolean kafka = true;
        private QdrantServer qdrant = new QdrantServer();

        public Builder slots(int slotsPerTaskManager) {
            this.slots = slotsPerTaskManager;
            return this;
        }

        /** Flink configuration for the MiniCluster (a metrics reporter, say). */
        public Builder flinkConfiguration(Configuration conf) {
            this.configuration = conf;
            return this;
        }

        /** For tests that run the command line or clients only. */
        public Builder withoutMiniCluster() {
            this.miniCluster = false;
            return this;
        }

        /** For tests that need no Kafka, or bring their own (a SASL_SSL broker). */
        public Builder withoutKafka() {
            this.kafka = false;
            return this;
        }

        /** A differently set-up Qdrant (an API key, TLS) instead of a plain one. */
        public Builder qdrant(QdrantServer server) {
            this.qdrant = server;
            return this;
        }

        public PipelineExtension build() {
            return new PipelineExtension(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        // Servers first: a failing one stops the class before a MiniCluster is started for it.
        if (kafka != null) {
            kafka.beforeAll(context);
        }
        qdrant.beforeAll(context);
        if (flink != null) {
            flink.beforeAll(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        testName = context.getRequiredTestMethod().getName();
        if (flink != null) {
            flink.beforeEach(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (flink != null) {
            flink.afterEach(context);
        }
    }

    /** Stops every part, even when stopping an earlier one fails; the first failure is thrown. */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<Exception> failures = new ArrayList<>();
        if (flink != null) {
            stop(() -> flink.afterAll(context), failures);
        }
        stop(() -> qdrant.afterAll(context), failures);
        if (kafka != null) {
            stop(() -> kafka.afterAll(context), failures);
        }
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private interface Stop {
        void run() throws Exception;
    }

    private static void stop(Stop part, List<Exception> failures) {
        try {
            part.run();
        } catch (Exception e) {
            failures.add(e);
        }
    }

    /** The broker; an {@link IllegalStateException} when built {@link Builder#withoutKafka}. */
    public KafkaCluster kafka() {
        if (kafka == null) {
            throw new IllegalStateException("This PipelineExtension was built without Kafka");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public QdrantServer qdrant() {
        return qdrant;
    }

    public QdrantConnection qdrantConnection() {
        return qdrant.connection();
    }

    /** The {@code qdrant.url} option's value for the server (its gRPC port). */
    public String qdrantUrl() {
        return qdrant.url();
    }

    /**
     * A topic or collection name no other test in this JVM uses: the running test's method name,
     * {@code purpose} and a counter, in the characters both Kafka and Qdrant accept.
     */
    public String name(String purpose) {
        String raw = testName + "-" + purpose + "-" + NAMES.incrementAndGet();
        return raw.replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
