package io.fhs.cli.local;

import java.util.Map;

/**
 * What {@link LocalJobRun} shows of a job while it runs, from the job's accumulators: Flink sums
 * each named counter over all subtasks, and the task managers report them with every heartbeat.
 */
public interface JobProgress {
    /** Shows nothing. */
    JobProgress NONE =
            new JobProgress() {
                @Override
                public void update(Map<String, Long> counters) {}

                @Override
                public void finish(Map<String, Long> counters) {}
            };

    /**
     * The counters of the running job, about twice a second. After a restart they start again at
     * zero, from the checkpoint the job resumes at.
     */
    void update(Map<String, Long> counters);

    /** The job ended (finished, cancelled or failed); its final counters, where there are some. */
    void finish(Map<String, Long> counters);

    /** Another line is about to be printed: a line drawn in place makes room for it. */
    default void clear() {}
}
