package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.KafkaRecord;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Fails a job once, when the {@code after}-th record passes, and paces the source so that a few
 * checkpoints (200 ms apart in the tests) complete before. The counts live in static maps, keyed by
 * the test's name: Flink runs a copy of the function, deserialized, and after the restart another.
 */
final class InjectedFailure implements MapFunction<KafkaRecord, KafkaRecord> {
    private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    private final String name;
    private final int after;

    InjectedFailure(String name, int after) {
        this.name = name;
        this.after = after;
    }

    /** Whether the failure named {@code name} was thrown. */
    static boolean happened(String name) {
        return FAILED.contains(name);
    }

    @Override
    public KafkaRecord map(KafkaRecord r) throws Exception {
        Thread.sleep(3);
        if (SEEN.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet() == after
                && FAILED.add(name)) {
            throw new IllegalStateException("injected failure");
        }
        return r;
    }
}
