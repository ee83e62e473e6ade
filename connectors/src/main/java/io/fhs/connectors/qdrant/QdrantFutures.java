package io.fhs.connectors.qdrant;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.annotation.Internal;

/** The Qdrant client's futures as {@link CompletableFuture}s, and the threads retries wait on. */
@Internal
final class QdrantFutures {
    private QdrantFutures() {}

    /** Completes on the client's callback thread; no thread waits for it. */
    static <T> CompletableFuture<T> toCompletable(ListenableFuture<T> future) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Futures.addCallback(
                future,
                new FutureCallback<>() {
                    @Override
                    public void onSuccess(T value) {
                        result.complete(value);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        result.completeExceptionally(t);
                    }
                },
                MoreExecutors.directExecutor());
        return result;
    }

    /**
     * A one-thread scheduler of daemon threads named {@code name-N}, for the retries of one owner,
     * which shuts it down. Its thread starts with the first retry, so an owner that never retries
     * costs none.
     */
    static ScheduledExecutorService scheduler(String name) {
        ScheduledThreadPoolExecutor scheduler =
                new ScheduledThreadPoolExecutor(1, r -> daemon(name, r));
        // Retries and deadlines that are cancelled need not stay queued until they are due.
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
