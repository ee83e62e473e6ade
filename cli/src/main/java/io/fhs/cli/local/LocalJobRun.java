package io.fhs.cli.local;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Runs a job on a MiniCluster in this JVM and watches it, for the command line: each restart is
 * printed as it happens with its cause, a job that fails for good ends in a {@link
 * LocalJobFailedException} that names the cause, and a JVM shutdown (Ctrl-C) cancels the job.
 *
 * <p>Flink's local environment starts its MiniCluster itself, hides it and stops it with the job;
 * owning the cluster keeps the job's exception history readable until the very end.
 */
public final class LocalJobRun {
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROGRESS_HEARTBEAT = Duration.ofMillis(500);

    /**
     * How a job that did not fail ended.
     *
     * @param restarts how often it restarted on the way
     * @param cancelled whether it was cancelled (Ctrl-C) rather than finished
     * @param duration from submission to the end
     */
    public record Result(int restarts, boolean cancelled, Duration duration) {}

    private LocalJobRun() {}

    /**
     * An environment whose jobs get {@code conf}'s Flink keys ({@code restart-strategy.*}, {@code
     * execution.checkpointing.*}, ...); the restart keys are checked here, before any work.
     */
    public static StreamExecutionEnvironment environment(Configuration conf, int parallelism) {
        RestartBudget.of(conf, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /**
     * Runs the job built on {@code env} (see {@link #environment}) until it ends, printing its
     * restarts to {@code err} and handing its accumulators to {@code progress} about twice a
     * second.
     *
     * @throws LocalJobFailedException when the job fails for good
     */
    public static Result run(
            StreamExecutionEnvironment env,
            Configuration conf,
            String jobName,
            PrintWriter err,
            JobProgress progress)
            throws Exception {
        RestartBudget budget =
                RestartBudget.of(conf, env.getCheckpointConfig().isCheckpointingEnabled());
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(jobName);
        graph.serializeUserDefinedInstances();
        long start = System.nanoTime();
        try (WatchableMiniCluster cluster = startCluster(conf, graph.getMaximumParallelism())) {
            JobID job =
                    cluster.submitJob(graph)
                            .get(RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .getJobID();
            JobWatch watch = new JobWatch(cluster, job, jobName, budget, err, progress);
            Thread cancelOnExit = new Thread(watch::cancel, jobName + "-cancel-on-exit");
            Runtime.getRuntime().addShutdownHook(cancelOnExit);
            try {
                JobWatch.Outcome outcome = watch.untilDone();
                return new Result(
                        outcome.restarts(),
                        outcome.cancelled(),
                        Duration.ofNanos(System.nanoTime() - start));
            } finally {
                removeHook(cancelOnExit);
            }
        }
    }

    private static WatchableMiniCluster startCluster(Configuration conf, int parallelism)
            throws Exception {
        Configuration c = new Configuration(conf);
        if (!c.contains(RestOptions.BIND_PORT)) {
            // Any free port: another local job, or a test, may hold Flink's default 8081.
            c.set(RestOptions.BIND_PORT, "0");
        }
        if (!c.contains(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)) {
            // Task managers report accumulators with their heartbeats (10 s by default): progress
            // would move in steps of ten seconds. A heartbeat within one JVM costs next to nothing.
            c.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, PROGRESS_HEARTBEAT);
        }
        int slots =
                c.getOptional(TaskManagerOptions.NUM_TASK_SLOTS).orElse(Math.max(1, parallelism));
        WatchableMiniCluster cluster =
                new WatchableMiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(c)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        try {
            cluster.start();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook has run or is running, which is what it is for.
        }
    }
}
