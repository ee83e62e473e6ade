package io.fhs.jobs.ingest;

import java.io.Serializable;

/** A chunk with its vectors (sparse ones null when the job has no sparse model). */
public record EncodedChunk(
        ChunkRecord chunk, float[] dense, int[] sparseIndices, float[] sparseValues)
        implements Serializable {}
