package io.fhs.cli.local;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.scheduler.ExecutionGraphInfo;

/**
 * A MiniCluster that also answers with a job's exception history, as the REST API's {@code
 * /jobs/:id/exceptions} does, but with the failures as throwables (cause chains intact) instead of
 * stack-trace strings.
 */
final class WatchableMiniCluster extends MiniCluster {
    WatchableMiniCluster(MiniClusterConfiguration configuration) {
        super(configuration);
    }

    /** The job's archived graph (its state) and exception history, taken at the same moment. */
    CompletableFuture<ExecutionGraphInfo> executionGraphInfo(JobID job, Duration timeout) {
        return getDispatcherGatewayFuture()
                .thenCompose(gateway -> gateway.requestExecutionGraphInfo(job, timeout));
    }
}
