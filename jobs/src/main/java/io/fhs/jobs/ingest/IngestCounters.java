package io.fhs.jobs.ingest;

/**
 * The accumulators the ingest job counts as it goes (a long addition per record), by name: what a
 * client reads to show the job's progress (the command line's progress line).
 */
public final class IngestCounters {
    private IngestCounters() {}

    /** Records the validate stage took in (one per Kafka record). */
    public static final String DOCUMENTS_READ = "fhs.documents-read";

    /** Documents whose last write went to the Qdrant sink (upserts, deletions, payload updates). */
    public static final String DOCUMENTS_WRITTEN = "fhs.documents-written";

    /** Chunks upserted, as points handed to the Qdrant sink. */
    public static final String CHUNKS_WRITTEN = "fhs.chunks-written";
}
