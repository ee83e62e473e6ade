package io.fhs.connectors.qdrant;

import com.google.common.util.concurrent.ListenableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Blocking Qdrant calls with retries of transient failures, for code that may block (job set-up,
 * command-line tools, tests), never for task threads. Qdrant 1.16's gRPC server occasionally drops
 * a response stream under load ("INTERNAL: Encountered end-of-stream mid-frame"); a retry succeeds.
 */
public final class QdrantCalls {
    public static final int ATTEMPTS = 5;

    private QdrantCalls() {}

    public static <T> T call(String what, Supplier<ListenableFuture<T>> operation) {
        for (int attempt = 1; ; attempt++) {
            try {
                return operation.get().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QdrantException("Interrupted while " + what, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (attempt >= ATTEMPTS || !QdrantErrors.isWorthRepeating(cause)) {
                    throw new QdrantException(
                            "Qdrant failed while " + what + ": " + QdrantErrors.describe(cause),
                            cause);
                }
                try {
                    Thread.sleep(100L << (attempt - 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new QdrantException("Interrupted while " + what, ie);
                }
            }
        }
    }
}
