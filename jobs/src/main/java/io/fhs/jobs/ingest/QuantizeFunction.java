package io.fhs.jobs.ingest;

import io.fhs.operators.quantize.VectorQuantization;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.MapFunction;

/** Replaces each encoded chunk's dense vector by the form the collection stores. */
@Internal
public final class QuantizeFunction implements MapFunction<EncodedChunk, EncodedChunk> {
    private static final long serialVersionUID = 1L;

    private final VectorQuantization quantization;

    public QuantizeFunction(VectorQuantization quantization) {
        this.quantization = quantization;
    }

    @Override
    public EncodedChunk map(EncodedChunk e) {
        if (e.dense() == null || quantization.mode() == VectorQuantization.Mode.NONE) {
            return e;
        }
        return new EncodedChunk(
                e.chunk(), quantization.document(e.dense()), e.sparseIndices(), e.sparseValues());
    }
}
