package io.fhs.operators.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fhs.operators.model.ModelException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link OrtSession} per (model file, thread count, tuning) in the JVM, shared by reference
 * count.
 *
 * <p>An {@code OrtSession} is thread-safe and holds the model's weights, so parallel operator
 * instances in one TaskManager share it instead of loading the weights once per subtask.
 */
@Internal
public final class SharedSessions {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSessions.class);
    private static final Map<Key, Entry> SESSIONS = new HashMap<>();

    private SharedSessions() {}

    /** A reference to a shared session; closing it releases the reference. */
    public static final class Lease implements AutoCloseable {
        private final Key key;
        private final OrtSession session;
        private boolean released;

        private Lease(Key key, OrtSession session) {
            this.key = key;
            this.session = session;
        }

        public OrtSession session() {
            return session;
        }

        @Override
        public void close() {
            synchronized (SESSIONS) {
                if (released) {
                    return;
                }
                released = true;
                release(key);
            }
        }
    }

    public static Lease acquire(Path onnxFile, int intraOpThreads) {
        return acquire(onnxFile, intraOpThreads, SessionTuning.defaults());
    }

    public static Lease acquire(Path onnxFile, int intraOpThreads, SessionTuning tuning) {
        Key key = new Key(onnxFile.toAbsolutePath().normalize(), intraOpThreads, tuning);
        synchronized (SESSIONS) {
            Entry entry = SESSIONS.get(key);
            if (entry == null) {
                entry = new Entry(open(key));
                SESSIONS.put(key, entry);
            }
            entry.references++;
            return new Lease(key, entry.session);
        }
    }

    /** How many distinct sessions are open (for tests and metrics). */
    public static int openSessions() {
        synchronized (SESSIONS) {
            return SESSIONS.size();
        }
    }

    private static void release(Key key) {
        Entry entry = SESSIONS.get(key);
        if (entry != null && --entry.references == 0) {
            SESSIONS.remove(key);
            try {
                entry.session.close();
            } catch (OrtException | RuntimeException e) {
                LOG.warn("Closing the ONNX Runtime session of {} failed", key.file, e);
            }
        }
    }

    private static OrtSession open(Key key) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            key.tuning.applyTo(options);
            if (key.intraOpThreads > 0) {
                options.setIntraOpNumThreads(key.intraOpThreads);
            }
            // Sessions are called from several operator threads; one intra-op pool each is
            // enough and inter-op parallelism only adds contention on small graphs.
            options.setInterOpNumThreads(1);
            long start = System.nanoTime();
            OrtSession session = env.createSession(key.file.toString(), options);
            LOG.info(
                    "Loaded ONNX model {} in {} ms (intra-op threads: {}; {})",
                    key.file,
                    (System.nanoTime() - start) / 1_000_000,
                    key.intraOpThreads > 0 ? key.intraOpThreads : "runtime default",
                    key.tuning.label());
            return session;
        } catch (OrtException e) {
            throw new ModelException(
                    "ONNX Runtime cannot load " + key.file + ": " + e.getMessage(), e);
        }
    }

    private record Key(Path file, int intraOpThreads, SessionTuning tuning) {}

    private static final class Entry {
        final OrtSession session;
        int references;

        Entry(OrtSession session) {
            this.session = session;
        }
    }
}
