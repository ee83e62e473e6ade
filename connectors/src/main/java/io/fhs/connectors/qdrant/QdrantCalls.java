package io.fhs.connectors.qdrant;

import com.google.common.util.concurrent.ListenableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Blocking Qdrant calls, retried by {@link RetryPolicy}, for code that may block (job set-up,
 * command-line tools, tests), never for task threads.
 */
@PublicEvolving
public final class QdrantCalls {
    private QdrantCalls() {}

    /** {@code operation} under {@link RetryPolicy#SETUP}. */
    public static <T> T call(String what, Supplier<ListenableFuture<T>> operation) {
        return call(RetryPolicy.SETUP, what, operation);
    }

    /**
     * Runs {@code operation} and waits for it; throws {@link QdrantException} once the policy gives
     * up. This thread waits anyway, so the retries' scheduler lives only as long as the call.
     */
    public static <T> T call(
            RetryPolicy policy, String what, Supplier<ListenableFuture<T>> operation) {
        ScheduledExecutorService scheduler = QdrantFutures.scheduler("qdrant-call-retry");
        try {
            return policy.retry(what, () -> QdrantFutures.toCompletable(operation.get()), scheduler)
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QdrantException("Interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = RetryPolicy.unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new QdrantException("Qdrant failed while " + what, cause);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
