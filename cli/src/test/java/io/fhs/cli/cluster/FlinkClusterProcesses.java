package io.fhs.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.testing.ChildProcess;
import io.fhs.connectors.testing.Poll;
import io.fhs.jobs.testing.TestData;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Flink session cluster for tests: a JobManager and {@code taskManagers} TaskManager
 * processes started by {@code bin/fhs-cluster} with a state directory and ports of their own, so
 * that a developer's cluster started with {@code bin/fhs cluster up} is neither used nor stopped.
 */
public final class FlinkClusterProcesses implements BeforeAllCallback, AfterAllCallback {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final int taskManagers;
    private Path root;
    private Path stateDir;
    private int restPort;
    private int rpcPort;

    public FlinkClusterProcesses(String name, int taskManagers) {
        this.name = name;
        this.taskManagers = taskManagers;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        root = TestData.root().normalize();
        stateDir = root.resolve("cli/target/" + name);
        restPort = freePort();
        rpcPort = freePort();
        up();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (stateDir != null) {
            run(Duration.ofMinutes(1), "down");
        }
    }

    /** Starts the processes that are not running (all of them at first; a killed one later). */
    public void up() throws Exception {
        Result up = run(Duration.ofMinutes(3), "up", "--taskmanagers", "" + taskManagers);
        assertThat(up.exitCode()).as("bin/fhs-cluster up:%n%s", up.output()).isZero();
    }

    /** The shaded job jar, built in the package phase. */
    public Path jobJar() {
        Path jar = root.resolve("jobs/target/fhs-jobs-job.jar");
        assertThat(jar).as("the shaded job jar (built in the package phase)").exists();
        return jar;
    }

    /** Runs {@code bin/fhs-cluster submit ARGS...} and returns the job id it prints. */
    public String submit(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("submit"));
        command.addAll(args);
        Result p = run(Duration.ofMinutes(3), command.toArray(String[]::new));
        assertThat(p.exitCode()).as("bin/fhs-cluster submit:%n%s", p.output()).isZero();
        String[] lines = p.output().trim().split("\n");
        String jobId = lines[lines.length - 1].trim();
        assertThat(jobId).as("job id printed by submit:%n%s", p.output()).matches("[0-9a-f]{32}");
        return jobId;
    }

    /**
     * Submits the ingest job from the job jar at {@code parallelism} (from {@code savepoint} when
     * not null), reading {@code topic} with its own consumer group into {@code collection}, with
     * quick checkpoints and one single-threaded encoder per subtask (two cores are shared).
     */
    public String submitIngest(
            int parallelism,
            String savepoint,
            String topic,
            String collection,
            String kafkaBootstrap,
            QdrantConnection qdrant)
            throws Exception {
        List<String> args = new ArrayList<>();
        if (savepoint != null) {
            args.addAll(List.of("--from-savepoint", savepoint));
        }
        args.addAll(
                List.of(
                        "--parallelism",
                        Integer.toString(parallelism),
                        jobJar().toString(),
                        "io.fhs.jobs.ingest.IngestJob",
                        "-Dingest.topic=" + topic,
                        "-Dingest.group-id=" + topic,
                        "-Dqdrant.collection=" + collection,
                        "-Dqdrant.url=http://" + qdrant.host() + ":" + qdrant.grpcPort(),
                        "-Dkafka.bootstrap-servers=" + kafkaBootstrap,
                        "-Dingest.checkpoint-interval=1s",
                        "-Dencode.workers=1",
                        "-Dencode.threads=1"));
        return submit(args);
    }

    public void cancel(String jobId) throws Exception {
        Result p = run(Duration.ofMinutes(1), "cancel", jobId);
        assertThat(p.exitCode()).as("bin/fhs-cluster cancel:%n%s", p.output()).isZero();
    }

    /** The pid of a process that {@code up} started, e.g. {@code taskmanager-2}. */
    public long pid(String process) throws IOException {
        return Long.parseLong(Files.readString(stateDir.resolve("run/" + process + ".pid")).trim());
    }

    /** SIGKILLs a process (a crashed TaskManager: no shutdown hooks, no goodbye to the JM). */
    public void kill(String process) throws Exception {
        ProcessHandle handle =
                ProcessHandle.of(pid(process))
                        .orElseThrow(() -> new AssertionError(process + " is not running"));
        Process kill = new ProcessBuilder("kill", "-KILL", "" + handle.pid()).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        handle.onExit().get(30, TimeUnit.SECONDS);
    }

    public JsonNode rest(String path) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    public String state(String jobId) throws Exception {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Failures the job recovered from or met, from its exception history (one entry a failure, as
     * {@code /jobs/:id/exceptions} lists them; the numRestarts metric stayed at 0 here after a
     * region failover).
     */
    public int failures(String jobId) throws Exception {
        return rest("/jobs/" + jobId + "/exceptions")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    public void awaitState(String jobId, String expected, Duration timeout) throws Exception {
        String state =
                Poll.latest(
                        timeout, () -> state(jobId), s -> s.equals(expected) || s.equals("FAILED"));
        assertThat(state).as("job %s: %s", jobId, exceptions(jobId)).isEqualTo(expected);
    }

    /** The job's root exception, for assertion messages. */
    public String exceptions(String jobId) {
        try {
            return rest("/jobs/" + jobId + "/exceptions").path("rootException").asText();
        } catch (Exception | AssertionError e) {
            return "(no exceptions: " + e + ")";
        }
    }

    /** Output and exit code of one bin/fhs-cluster call. */
    public record Result(int exitCode, String output) {}

    public Result run(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/fhs-cluster").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("FHS_CLUSTER_DIR", stateDir.toString());
        env.put("FHS_FLINK_REST_PORT", Integer.toString(restPort));
        env.put("FHS_FLINK_RPC_PORT", Integer.toString(rpcPort));
        TestData.passModelsDir(env);
        // The servers reach the job through its arguments; variables inherited from a developer's
        // shell would take precedence in the job and point it elsewhere.
        env.remove("QDRANT_URL");
        env.remove("QDRANT_API_KEY");
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        // Output to a file: the daemons that `up` starts inherit it and never close a pipe.
        ChildProcess.Result result = ChildProcess.run(timeout, pb);
        return new Result(result.exitCode(), result.output());
    }

    static int freePort() throws IOException {
        // Below Linux's ephemeral range (32768-60999): a port the kernel picks for port 0 is also
        // what it hands to outgoing connections, which took one (40007) before the cluster bound
        // it.
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("No free port in 20000-29999");
    }
}
