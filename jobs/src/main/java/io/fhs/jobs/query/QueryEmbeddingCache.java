package io.fhs.jobs.query;

import io.fhs.operators.sparse.SparseVector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.annotation.Internal;

/**
 * The most recently used query encodings of one encoder stage, by query text: people repeat queries
 * (paging, the same dashboard, popular searches), and a repeat should not cost an encoder call.
 * Keyed by text only because a stage holds one dense and one sparse model, both encoding for the
 * query role; a stage with another model has a cache of its own. Holds the vectors before
 * quantization, so the stage quantizes a hit as it would a fresh encoding. Thread-safe.
 */
@Internal
public final class QueryEmbeddingCache {
    private final int capacity;
    private final Map<String, Entry> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** What one text encoded to; {@code sparse} is null when it was not needed. */
    public record Entry(float[] dense, SparseVector sparse) {}

    /** A cache of at most {@code capacity} texts; 0 caches nothing. */
    public QueryEmbeddingCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.entries =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                        return size() > QueryEmbeddingCache.this.capacity;
                    }
                };
    }

    /**
     * The cached encoding of {@code text} if it has everything asked for (a dense-only entry does
     * not answer a hybrid query), counting a hit or a miss.
     */
    public Entry lookup(String text, boolean needsSparse) {
        Entry e;
        synchronized (entries) {
            e = capacity == 0 ? null : entries.get(text);
        }
        if (e == null || (needsSparse && e.sparse() == null)) {
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        return e;
    }

    /**
     * Remembers {@code text}'s encoding, keeping a sparse vector cached before if none is given.
     */
    public void put(String text, float[] dense, SparseVector sparse) {
        if (capacity == 0) {
            return;
        }
        synchronized (entries) {
            Entry old = entries.get(text);
            SparseVector s = sparse != null || old == null ? sparse : old.sparse();
            entries.put(text, new Entry(dense, s));
        }
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    /** Hits over lookups; 0 before the first lookup. */
    public double hitRate() {
        long h = hits.get();
        long total = h + misses.get();
        return total == 0 ? 0 : (double) h / total;
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
