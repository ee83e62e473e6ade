package io.fhs.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fhs.cli.bench.IngestBenchmark.Throughput;
import io.fhs.cli.bench.PinnedIngestRun.Result;
import org.junit.jupiter.api.Test;

class PinnedIngestRunTest {
    @Test
    void readsBackTheLineBenchIngestPrints() {
        // 3,000 documents, 4,000 chunks; bare encoder 60 s and 40 s; job 80 s, first point at
        // 20 s with 400 points: bare 60 docs/s, steady 3600/60 chunks/s = 45 docs/s, all 37.5.
        Throughput t = new Throughput(3_000, 4_000, 60, 40, 80, 20, 400);
        Result r = PinnedIngestRun.parse(2, "  " + t.summary());
        assertEquals(2, r.cores());
        assertEquals(60.0, r.bare(), 1e-9);
        assertEquals(45.0, r.steady(), 1e-9);
        assertEquals(37.5, r.withStartUp(), 1e-9);
        assertEquals(22.5, r.steadyPerCore(), 1e-9);
    }

    @Test
    void otherLinesHoldNoResult() {
        assertNull(PinnedIngestRun.parse(1, "bare encoder:   12.3 s"));
        assertNull(PinnedIngestRun.parse(1, "ingest job:     80.0 s (first point after 20.0 s)"));
    }
}
