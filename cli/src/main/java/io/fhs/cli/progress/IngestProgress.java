package io.fhs.cli.progress;

import io.fhs.cli.local.JobProgress;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The ingest job's progress: documents read (of the total, when known), documents and chunks
 * written, from accumulators the job counts as it goes (a long addition per record).
 *
 * <p>Documents are counted twice because the job reads far ahead of what it writes: the network
 * buffers and the encoder's queue hold hundreds of documents, so "read" reaches the total long
 * before the job ends. The rate and the time left follow the written ones.
 */
@Internal
public final class IngestProgress implements JobProgress {
    /** Records the validate stage took in (one per Kafka record). */
    public static final String DOCUMENTS_READ = "fhs.documents-read";

    /** Documents whose last write went to the Qdrant sink (upserts, deletions, payload updates). */
    public static final String DOCUMENTS_WRITTEN = "fhs.documents-written";

    /** Chunks upserted, as points handed to the Qdrant sink. */
    public static final String CHUNKS_WRITTEN = "fhs.chunks-written";

    private final ProgressLine line;
    private final long total;

    /**
     * @param total the documents the job will read; negative where it is not known (unbounded)
     */
    public IngestProgress(ProgressLine line, long total) {
        this.line = line;
        this.total = total;
    }

    @Override
    public void update(Map<String, Long> counters) {
        long written = counters.getOrDefault(DOCUMENTS_WRITTEN, 0L);
        line.update(
                counters.getOrDefault(DOCUMENTS_READ, 0L),
                total,
                written,
                String.format(
                        Locale.ROOT,
                        "%,d written (%,d chunks)",
                        written,
                        counters.getOrDefault(CHUNKS_WRITTEN, 0L)));
    }

    @Override
    public void finish(Map<String, Long> counters) {
        if (!counters.isEmpty()) {
            update(counters);
        }
        line.finish();
    }

    @Override
    public void clear() {
        line.clear();
    }
}
