package io.fhs.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.cli.drill.ClusterControl;
import io.fhs.cli.drill.Scripts;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.jobs.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Flink session cluster for tests: a JobManager and {@code taskManagers} TaskManager
 * processes started by {@code bin/fhs-cluster} with a state directory and ports of their own, so
 * that a developer's cluster started with {@code bin/fhs cluster up} is neither used nor stopped.
 * The fault drill's {@link ClusterControl} does the work; this adds JUnit's life cycle and
 * assertions.
 */
public final class FlinkClusterProcesses implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private final int taskManagers;
    private ClusterControl control;

    public FlinkClusterProcesses(String name, int taskManagers) {
        this.name = name;
        this.taskManagers = taskManagers;
    }

    /** Variables the cluster's processes need in a test: the models directory Maven built. */
    public static Map<String, String> testEnvironment() {
        Map<String, String> env = new HashMap<>();
        TestData.passModelsDir(env);
        return env;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Path root = TestData.root().normalize();
        control = new ClusterControl(root, root.resolve("cli/target/" + name), testEnvironment());
        up();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (control != null) {
            control.down();
        }
    }

    /** Starts the processes that are not running (all of them at first; a killed one later). */
    public void up() {
        control.up(taskManagers);
    }

    /** The shaded job jar, built in the package phase. */
    public Path jobJar() {
        return control.jobJar();
    }

    /** Runs {@code bin/fhs-cluster submit ARGS...} and returns the job id it prints. */
    public String submit(List<String> args) {
        return control.submit(args);
    }

    /**
     * Submits the ingest job from the job jar at {@code parallelism} (from {@code savepoint} when
     * not null), reading {@code topic} with its own consumer group into {@code collection}.
     */
    public String submitIngest(
            int parallelism,
            String savepoint,
            String topic,
            String collection,
            String kafkaBootstrap,
            QdrantConnection qdrant) {
        return control.submitIngest(
                parallelism,
                savepoint,
                List.of(
                        "ingest.topic=" + topic,
                        "ingest.group-id=" + topic,
                        "qdrant.collection=" + collection,
                        "qdrant.url=http://" + qdrant.host() + ":" + qdrant.grpcPort(),
                        "kafka.bootstrap-servers=" + kafkaBootstrap));
    }

    public void cancel(String jobId) {
        control.cancel(jobId);
    }

    /** SIGKILLs a process (a crashed TaskManager: no shutdown hooks, no goodbye to the JM). */
    public void kill(String process) {
        control.kill(process);
    }

    public JsonNode rest(String path) throws Exception {
        return control.rest(path);
    }

    public String state(String jobId) throws Exception {
        return control.state(jobId);
    }

    /** Failures the job recovered from or met, from its exception history. */
    public int failures(String jobId) throws Exception {
        return control.failures(jobId);
    }

    public void awaitState(String jobId, String expected, Duration timeout) {
        control.awaitState(jobId, expected, timeout);
    }

    /** The job's root exception, for assertion messages. */
    public String exceptions(String jobId) {
        return control.exceptions(jobId);
    }

    /** Output and exit code of one bin/fhs-cluster call. */
    public record Result(int exitCode, String output) {}

    public Result run(Duration timeout, String... args) {
        Scripts.Result r = control.tryRun(timeout, args);
        return new Result(r.exitCode(), r.output());
    }
}
