package io.fhs.operators.inference;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.flink.annotation.Internal;

/**
 * Keeps native resources (ONNX Runtime sessions, tokenizers) from being freed while another thread
 * still uses them: a use in flight delays {@link #close}, and a use after close fails with an
 * exception instead of crashing the JVM. Flink closes operators from the task thread while
 * inference may still run on a worker thread, which is exactly that race.
 */
@Internal
public final class CloseGuard {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String what;
    private boolean closed;

    public CloseGuard(String what) {
        this.what = what;
    }

    /** A use of the resources; close it when done (try-with-resources). */
    public interface Use extends AutoCloseable {
        @Override
        void close();
    }

    public Use enter() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new IllegalStateException(what + " is closed");
        }
        return lock.readLock()::unlock;
    }

    /**
     * Whether a {@link #close} is waiting for uses in flight (tests poll it instead of sleeping).
     */
    boolean closeIsWaiting() {
        return lock.hasQueuedThreads();
    }

    /** Waits for uses in flight, then marks closed; returns false if it was closed already. */
    public boolean close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
