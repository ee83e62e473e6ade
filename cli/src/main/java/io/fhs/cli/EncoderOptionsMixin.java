package io.fhs.cli;

import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class EncoderOptionsMixin {
    @Option(
            names = {"-m", "--model"},
            paramLabel = "NAME|DIR",
            description =
                    "Bundled model name or model directory (dense default: "
                            + ModelLocator.DEFAULT_MODEL
                            + "; sparse: a SPLADE directory or bm25, default bm25).")
    String model;

    @Option(
            names = "--batch-size",
            description = "Texts per inference call (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + EncoderOptions.DEFAULT_MAX_BATCH_SIZE)
    int batchSize;

    @Option(
            names = "--batch-tokens",
            description =
                    "Padded positions per inference call; long texts make smaller batches (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + EncoderOptions.DEFAULT_MAX_BATCH_TOKENS)
    int batchTokens;

    @Option(
            names = "--threads",
            description =
                    "ONNX Runtime intra-op threads, 0 = all cores (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int threads;

    EncoderOptions options() {
        return new EncoderOptions(batchSize, batchTokens, threads);
    }

    String modelOr(String fallback) {
        return model != null ? model : fallback;
    }

    DenseEncoder open() {
        return DenseEncoder.open(
                ModelLocator.resolve(modelOr(ModelLocator.DEFAULT_MODEL)), options());
    }
}
