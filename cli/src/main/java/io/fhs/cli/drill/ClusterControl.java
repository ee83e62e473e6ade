package io.fhs.cli.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * A Flink session cluster of its own, driven through {@code bin/fhs-cluster} with a state directory
 * and ports that no developer's cluster uses: up, submit, savepoint, SIGKILL a TaskManager, and the
 * REST views the drill waits on.
 */
public final class ClusterControl {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

    private final Path home;
    private final Path stateDir;
    private final int restPort;
    private final int rpcPort;
    private final Map<String, String> extraEnv;

    /**
     * @param home the repository (where bin/ is)
     * @param stateDir the cluster's own FHS_CLUSTER_DIR
     * @param extraEnv variables for the cluster's processes, e.g. FHS_MODELS_DIR
     */
    public ClusterControl(Path home, Path stateDir, Map<String, String> extraEnv) {
        this.home = home;
        this.stateDir = stateDir;
        this.restPort = freePort();
        this.rpcPort = freePort();
        this.extraEnv = Map.copyOf(extraEnv);
    }

    public int restPort() {
        return restPort;
    }

    /** Starts the processes that are not running (all of them at first; a killed one later). */
    public void up(int taskManagers) {
        run("up", "--taskmanagers", Integer.toString(taskManagers));
    }

    public void down() {
        run("down");
    }

    /** The shaded job jar, built in the package phase. */
    public Path jobJar() {
        Path jar = home.resolve("jobs/target/fhs-jobs-job.jar");
        if (!Files.isRegularFile(jar)) {
            throw new DrillException("no job jar at " + jar + " (built by mvn package)");
        }
        return jar;
    }

    /** Runs {@code bin/fhs-cluster submit ARGS...}; the job id it prints. */
    public String submit(List<String> args) {
        List<String> command = new ArrayList<>(List.of("submit"));
        command.addAll(args);
        Scripts.Result r = run(command.toArray(String[]::new));
        String jobId = r.lastLine();
        if (!jobId.matches("[0-9a-f]{32}")) {
            throw new DrillException("no job id printed by submit:\n" + r.output());
        }
        return jobId;
    }

    /**
     * Submits the ingest job at {@code parallelism} (from {@code savepoint} when not null) with
     * quick checkpoints and one single-threaded encoder per subtask, so that a machine of two cores
     * runs two TaskManagers; {@code options} are further {@code key=value} job options.
     */
    public String submitIngest(int parallelism, String savepoint, List<String> options) {
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
                        "-Dingest.checkpoint-interval=1s",
                        "-Dencode.workers=1",
                        "-Dencode.threads=1"));
        for (String option : options) {
            args.add("-D" + option);
        }
        return submit(args);
    }

    /** Stops the job with a savepoint; the savepoint's path. */
    public String stopWithSavepoint(String jobId) {
        Scripts.Result r = run("savepoint", jobId, "--stop");
        String path = r.lastLine();
        if (!path.startsWith("file:")) {
            throw new DrillException("no savepoint path printed:\n" + r.output());
        }
        return path;
    }

    public void cancel(String jobId) {
        run("cancel", jobId);
    }

    /** The pid of a process that {@code up} started, e.g. {@code taskmanager-2}. */
    public long pid(String process) {
        return Scripts.readPid(stateDir.resolve("run/" + process + ".pid"), process);
    }

    /** SIGKILLs a process (a crashed TaskManager: no shutdown hooks, no goodbye to the JM). */
    public void kill(String process) {
        Scripts.killHard(pid(process), process);
    }

    public JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    public String state(String jobId) throws IOException, InterruptedException {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Failures the job recovered from or met, from its exception history (the numRestarts metric
     * stayed at 0 here after a region failover).
     */
    public int failures(String jobId) throws IOException, InterruptedException {
        return rest("/jobs/" + jobId + "/exceptions")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    /** The job's root exception, for messages. */
    public String exceptions(String jobId) {
        try {
            return rest("/jobs/" + jobId + "/exceptions").path("rootException").asText();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "(no exceptions: " + e + ")";
        }
    }

    /** Waits until the job is in {@code expected} state; fails at once if it FAILED. */
    public void awaitState(String jobId, String expected, Duration timeout) {
        String state =
                Await.latest(
                        timeout, () -> state(jobId), s -> s.equals(expected) || s.equals("FAILED"));
        if (!expected.equals(state)) {
            throw new DrillException(
                    "job "
                            + jobId
                            + " is "
                            + state
                            + ", not "
                            + expected
                            + ": "
                            + exceptions(jobId));
        }
    }

    /** True when the job runs and every subtask of every operator does (not just the job). */
    public boolean fullyRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = rest("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            JsonNode counts = vertex.path("tasks");
            if (counts.path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /** A TaskManager that runs a subtask of the job's encoder (by resource id, taskmanager-N). */
    public String taskManagerOf(String jobId) throws IOException, InterruptedException {
        for (JsonNode vertex : rest("/jobs/" + jobId).path("vertices")) {
            if (vertex.path("name").asText().contains("encode")) {
                JsonNode subtasks =
                        rest("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText())
                                .path("subtasks");
                for (JsonNode subtask : subtasks) {
                    String tm = subtask.path("taskmanager-id").asText();
                    if (tm.startsWith("taskmanager-")) {
                        return tm;
                    }
                }
            }
        }
        throw new DrillException("no TaskManager runs the encode operator of " + jobId);
    }

    /** Runs bin/fhs-cluster with ARGS; fails unless it exits with 0. */
    public Scripts.Result run(String... args) {
        return Scripts.check(SCRIPT_TIMEOUT, builder(args));
    }

    /** Runs bin/fhs-cluster with ARGS; its exit code and output, whatever they are. */
    public Scripts.Result tryRun(Duration timeout, String... args) {
        return Scripts.run(timeout, builder(args));
    }

    private ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/fhs-cluster").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("FHS_CLUSTER_DIR", stateDir.toString());
        env.put("FHS_FLINK_REST_PORT", Integer.toString(restPort));
        env.put("FHS_FLINK_RPC_PORT", Integer.toString(rpcPort));
        env.putAll(extraEnv);
        // The servers reach the job through its arguments; variables inherited from a developer's
        // shell would take precedence in the job and point it elsewhere.
        env.remove("QDRANT_URL");
        env.remove("QDRANT_API_KEY");
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        return pb;
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): a port the kernel picks for port 0
     * is also what it hands to outgoing connections, which took one (40007) before a server bound
     * it.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new DrillException("no free port in 20000-29999");
    }
}
