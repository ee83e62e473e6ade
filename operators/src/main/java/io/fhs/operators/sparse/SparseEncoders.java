package io.fhs.operators.sparse;

import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.RouterConfig;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;

/** Opens the sparse encoder a reference names: {@code bm25}, or a SPLADE model directory/name. */
@PublicEvolving
public final class SparseEncoders {
    public static final String BM25 = "bm25";

    private SparseEncoders() {}

    /**
     * {@code bm25} gives {@link Bm25Encoder}; a model directory with an {@code idf.json} gives
     * {@link InferenceFreeSpladeEncoder}, and so does a sentence-transformers v5 Router directory
     * (static query weights, SPLADE documents); any other model directory {@link SpladeEncoder}.
     */
    public static SparseEncoder open(
            String reference, EncoderOptions options, Bm25Options bm25, int maxActiveDims) {
        if (reference.toLowerCase(Locale.ROOT).equals(BM25)) {
            return new Bm25Encoder(bm25);
        }
        Optional<RouterConfig> router = RouterConfig.detect(ModelLocator.resolvePath(reference));
        if (router.isPresent()) {
            return InferenceFreeSpladeEncoder.fromRouter(router.get(), options, maxActiveDims);
        }
        ModelDirectory dir = ModelLocator.resolve(reference);
        return InferenceFreeSpladeEncoder.hasQueryWeights(dir)
                ? new InferenceFreeSpladeEncoder(dir, options, maxActiveDims)
                : new SpladeEncoder(dir, options, maxActiveDims);
    }

    public static SparseEncoder open(String reference) {
        return open(reference, EncoderOptions.defaults(), Bm25Options.defaults(), 0);
    }
}
