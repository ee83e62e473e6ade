package io.fhs.jobs.ingest;

/** What a sparse vector describes: the whole document (on its first chunk) or each chunk. */
public enum SparseScope {
    DOCUMENT,
    CHUNK
}
