package io.fhs.operators.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.operators.TestModels;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.similarity.SimilarityFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A vector collection is created from the configuration's dimension and similarity, before any
 * encoder runs: they must be what the encoder then produces and scores with.
 */
class ConfiguredDimensionTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "all-MiniLM-L6-v2",
                "all-MiniLM-L6-v2-int8",
                "bge-small-en-v1.5",
                "bge-small-en-v1.5-int8"
            })
    void theConfiguredDimensionIsTheLengthOfTheEncodersVectors(String model) {
        ModelDirectory dir = ModelLocator.resolve(model);
        SentenceTransformerConfig config = SentenceTransformerConfig.load(dir);
        assertThat(config.embeddingDimension()).isEqualTo(384);
        assertThat(config.similarity()).isEqualTo(SimilarityFunction.COSINE);
        try (DenseEncoder encoder = DenseEncoder.open(dir, EncoderOptions.defaults())) {
            assertThat(encoder.encode("How long is a vector?", Role.DOCUMENT))
                    .hasSize(config.embeddingDimension());
            assertThat(encoder.encode("a query", Role.QUERY)).hasSize(config.embeddingDimension());
            assertThat(encoder.similarity()).isEqualTo(config.similarity());
        }
    }

    @Test
    void twoPoolingModesConcatenateAndTheConfigSaysSo() throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("mm"));
        Files.writeString(
                dir.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 384, \"pooling_mode_mean_tokens\": true,"
                        + " \"pooling_mode_max_tokens\": true}");
        ModelDirectory model = ModelDirectory.open(dir);
        assertThat(SentenceTransformerConfig.load(model).embeddingDimension()).isEqualTo(768);
        try (DenseEncoder encoder = DenseEncoder.open(model, EncoderOptions.defaults())) {
            assertThat(encoder.encode("mean and max", Role.DOCUMENT)).hasSize(768);
        }
    }

    @Test
    void theSimilarityComesFromConfigSentenceTransformersJsonAndDefaultsToCosine()
            throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("dot"));
        Path file = dir.resolve("config_sentence_transformers.json");
        Files.writeString(file, "{\"similarity_fn_name\": \"dot\"}");
        assertThat(SentenceTransformerConfig.load(ModelDirectory.open(dir)).similarity())
                .isEqualTo(SimilarityFunction.DOT);
        Files.delete(file);
        assertThat(SentenceTransformerConfig.load(ModelDirectory.open(dir)).similarity())
                .isEqualTo(SimilarityFunction.COSINE);
    }
}
