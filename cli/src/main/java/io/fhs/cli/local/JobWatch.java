package io.fhs.cli.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.clusterframework.ApplicationStatus;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.scheduler.ExecutionGraphInfo;
import org.apache.flink.runtime.scheduler.exceptionhistory.RootExceptionHistoryEntry;
import org.apache.flink.util.OptionalFailure;
import org.apache.flink.util.SerializedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one job on a {@link WatchableMiniCluster} until it ends.
 *
 * <p>Restarts are counted from the job's exception history: Flink adds a root entry for every
 * failure that starts a new attempt (concurrent failures of one attempt join that entry), which is
 * what its {@code numRestarts} metric counts, plus one for the failure it gives up on.
 */
final class JobWatch {
    private static final Logger LOG = LoggerFactory.getLogger(JobWatch.class);
    private static final long POLL_MILLIS = 500;

    /** How a job that did not fail ended. */
    record Outcome(int restarts, boolean cancelled) {}

    private final WatchableMiniCluster cluster;
    private final JobID job;
    private final String name;
    private final RestartBudget budget;
    private final PrintWriter err;
    private final JobProgress progress;
    private final CompletableFuture<JobResult> result;
    // Timestamp of the newest failure already reported.
    private long lastSeen = Long.MIN_VALUE;
    private int restarts;

    JobWatch(
            WatchableMiniCluster cluster,
            JobID job,
            String name,
            RestartBudget budget,
            PrintWriter err,
            JobProgress progress) {
        this.cluster = cluster;
        this.job = job;
        this.name = name;
        this.budget = budget;
        this.err = err;
        this.progress = progress;
        this.result = cluster.requestJobResult(job);
    }

    Outcome untilDone() throws Exception {
        while (true) {
            JobResult done;
            try {
                done = result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                done = null;
            } catch (InterruptedException e) {
                cancel();
                throw e;
            }
            poll();
            if (done != null) {
                progress.finish(counters(done.getAccumulatorResults()));
                return outcome(done);
            }
        }
    }

    // One request per poll serves both: the exception history and the accumulators.
    private void poll() throws InterruptedException {
        ExecutionGraphInfo info;
        try {
            info =
                    cluster.executionGraphInfo(job, LocalJobRun.RPC_TIMEOUT)
                            .get(LocalJobRun.RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("No exception history of job {} this time", name, e);
            return;
        }
        reportRestarts(info);
        progress.update(counters(info.getArchivedExecutionGraph().getAccumulatorsSerialized()));
    }

    private void reportRestarts(ExecutionGraphInfo info) {
        JobStatus state = info.getArchivedExecutionGraph().getState();
        // Once failing, the newest failure is the one the job gives up on, not a restart.
        boolean givingUp = state == JobStatus.FAILING || state == JobStatus.FAILED;
        List<RootExceptionHistoryEntry> fresh = new ArrayList<>();
        for (RootExceptionHistoryEntry e : info.getExceptionHistory()) {
            if (e.getTimestamp() > lastSeen) {
                fresh.add(e);
            }
        }
        fresh.sort(Comparator.comparingLong(RootExceptionHistoryEntry::getTimestamp));
        for (int i = 0; i < fresh.size(); i++) {
            RootExceptionHistoryEntry e = fresh.get(i);
            lastSeen = e.getTimestamp();
            if (givingUp && i == fresh.size() - 1) {
                continue;
            }
            restarts++;
            progress.clear();
            err.printf(
                    "fhs: job restarted (%s): %s%n",
                    budget.count(restarts), FailureCause.describe(e.getException()));
            LOG.info(
                    "Job {} restarted ({}) after a failure in {}",
                    name,
                    budget.count(restarts),
                    e.getFailingTaskName(),
                    e.getException());
        }
        err.flush();
    }

    /** The job's long counters; accumulators of other types are not progress. */
    private Map<String, Long> counters(
            Map<String, SerializedValue<OptionalFailure<Object>>> accumulators) {
        Map<String, Long> counters = new HashMap<>();
        accumulators.forEach(
                (key, value) -> {
                    try {
                        OptionalFailure<Object> v =
                                value.deserializeValue(JobWatch.class.getClassLoader());
                        if (!v.isFailure() && v.getUnchecked() instanceof Long n) {
                            counters.put(key, n);
                        }
                    } catch (IOException | ClassNotFoundException e) {
                        LOG.debug("Accumulator {} of job {} not readable", key, name, e);
                    }
                });
        return counters;
    }

    private Outcome outcome(JobResult done) {
        if (done.isSuccess()) {
            return new Outcome(restarts, false);
        }
        if (done.getApplicationStatus() == ApplicationStatus.CANCELED) {
            return new Outcome(restarts, true);
        }
        Throwable failure = done.getSerializedThrowable().orElse(null);
        String cause = failure == null ? "no cause given" : FailureCause.describe(failure);
        LOG.info("Job {} failed after {} restarts", name, restarts, failure);
        throw new LocalJobFailedException(
                "job "
                        + name
                        + " failed after "
                        + budget.count(restarts)
                        + (restarts == 1 ? " restart: " : " restarts: ")
                        + cause,
                restarts,
                failure);
    }

    /** Cancels the job unless it has ended, and waits for it to end (the sinks close cleanly). */
    void cancel() {
        if (result.isDone()) {
            return;
        }
        progress.clear();
        err.printf("fhs: cancelling job %s%n", name);
        err.flush();
        try {
            cluster.cancelJob(job).get(LocalJobRun.RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            result.get(LocalJobRun.RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not cancel job {}: {}", name, FailureCause.describe(e));
        }
    }
}
