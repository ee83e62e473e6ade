package io.fhs.jobs.options;

import org.apache.flink.annotation.PublicEvolving;

/** What a sparse vector describes: the whole document (on its first chunk) or each chunk. */
@PublicEvolving
public enum SparseScope {
    /** DOCUMENT for BM25 (a document-level model), CHUNK for learned sparse models. */
    AUTO,
    DOCUMENT,
    CHUNK;

    /** The scope for {@code sparseModel} ({@code bm25}, a SPLADE directory or none). */
    public SparseScope resolve(String sparseModel) {
        if (this != AUTO) {
            return this;
        }
        return "bm25".equalsIgnoreCase(sparseModel) ? DOCUMENT : CHUNK;
    }
}
