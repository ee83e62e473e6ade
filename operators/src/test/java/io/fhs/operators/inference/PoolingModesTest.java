package io.fhs.operators.inference;

import static io.fhs.operators.TestVectors.concat;
import static io.fhs.operators.TestVectors.maxAbsDiff;
import static io.fhs.operators.TestVectors.norm;
import static io.fhs.operators.TestVectors.normalized;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.operators.TestModels;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pooling and normalization recomputed by hand from the graph's raw token embeddings, for the
 * bundled configuration and for copies of all-MiniLM-L6-v2 configured otherwise.
 */
class PoolingModesTest {
    static final int HIDDEN = 384;

    // One batch of two texts of different lengths, so the short one carries padding that pooling
    // must ignore.
    static final List<String> TEXTS =
            List.of(
                    "A short one.",
                    "Pooling turns the token embeddings of a longer sentence into one vector.");

    static DenseEncoder minilm;

    /** [text][real token][hidden]: the graph's output where the attention mask is 1. */
    static float[][][] tokens;

    /** [text][position][hidden]: the whole padded rows, padding included. */
    static float[][][] paddedRows;

    @TempDir static Path tmp;

    @BeforeAll
    static void runTheRawGraph() {
        minilm = DenseEncoder.open("all-MiniLM-L6-v2");
        List<TokenizedBatch> batches = minilm.tokenize(TEXTS, Role.DOCUMENT);
        assertThat(batches).hasSize(1);
        TokenizedBatch batch = batches.get(0);
        OnnxModel.Output raw = minilm.model().run(batch);
        int seqLen = batch.seqLen();
        assertThat(raw.shape()).containsExactly(2, seqLen, HIDDEN);
        tokens = new float[2][][];
        paddedRows = new float[2][seqLen][HIDDEN];
        for (int row = 0; row < 2; row++) {
            int real = 0;
            for (int t = 0; t < seqLen; t++) {
                real += (int) batch.attentionMask()[row * seqLen + t];
            }
            float[][] kept = new float[real][];
            int k = 0;
            for (int t = 0; t < seqLen; t++) {
                for (int d = 0; d < HIDDEN; d++) {
                    paddedRows[row][t][d] = raw.data().get((row * seqLen + t) * HIDDEN + d);
                }
                if (batch.attentionMask()[row * seqLen + t] == 1) {
                    kept[k++] = paddedRows[row][t];
                }
            }
            tokens[batch.row(row)] = kept;
        }
        assertThat(tokens[0].length).as("the short text is padded").isLessThan(seqLen);
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    static float[] cls(float[][] rows) {
        return rows[0].clone();
    }

    static float[] mean(float[][] rows) {
        float[] out = new float[HIDDEN];
        for (int d = 0; d < HIDDEN; d++) {
            double sum = 0;
            for (float[] row : rows) {
                sum += row[d];
            }
            out[d] = (float) (sum / rows.length);
        }
        return out;
    }

    static float[] max(float[][] rows) {
        float[] out = new float[HIDDEN];
        for (int d = 0; d < HIDDEN; d++) {
            float best = Float.NEGATIVE_INFINITY;
            for (float[] row : rows) {
                best = Math.max(best, row[d]);
            }
            out[d] = best;
        }
        return out;
    }

    /** A copy of all-MiniLM-L6-v2 with another pooling config and optionally no Normalize. */
    static DenseEncoder variant(String name, String poolingJson, boolean normalize)
            throws IOException {
        Path dir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve(name));
        Files.writeString(dir.resolve("1_Pooling/config.json"), poolingJson);
        if (!normalize) {
            Files.writeString(
                    dir.resolve("modules.json"),
                    "[{\"type\": \"sentence_transformers.models.Transformer\", \"path\": \"\"},"
                            + " {\"type\": \"sentence_transformers.models.Pooling\","
                            + " \"path\": \"1_Pooling\"}]");
        }
        return DenseEncoder.open(ModelDirectory.open(dir), EncoderOptions.defaults());
    }

    @Test
    void bundledConfigIsTheNormalizedMeanOfTheRealTokens() {
        float[][] encoded = minilm.encode(TEXTS, Role.DOCUMENT);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(maxAbsDiff(encoded[i], normalized(mean(tokens[i])))).isLessThan(1e-5);
        }
        // Averaging the padding too would be visibly different, so the check above has teeth.
        assertThat(maxAbsDiff(encoded[0], normalized(mean(paddedRows[0])))).isGreaterThan(1e-3);
    }

    @Test
    void clsTokenOnly() throws IOException {
        try (DenseEncoder encoder =
                variant(
                        "cls",
                        "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true}",
                        true)) {
            float[][] encoded = encoder.encode(TEXTS, Role.DOCUMENT);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(maxAbsDiff(encoded[i], normalized(cls(tokens[i])))).isLessThan(1e-5);
                assertThat(maxAbsDiff(encoded[i], minilm.encode(TEXTS.get(i), Role.DOCUMENT)))
                        .as("CLS and mean pooling must differ")
                        .isGreaterThan(0.01);
            }
        }
    }

    @Test
    void maxOverRealTokensOnly() throws IOException {
        try (DenseEncoder encoder =
                variant(
                        "max",
                        "{\"word_embedding_dimension\": 384, \"pooling_mode_max_tokens\": true}",
                        true)) {
            float[][] encoded = encoder.encode(TEXTS, Role.DOCUMENT);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(maxAbsDiff(encoded[i], normalized(max(tokens[i])))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void clsAndMeanConcatenateInSentenceTransformersOrderBeforeNormalizing() throws IOException {
        // Pooling concatenates cls, max, mean, ... whatever order the JSON lists them in.
        try (DenseEncoder encoder =
                variant(
                        "cls-mean",
                        "{\"word_embedding_dimension\": 384, \"pooling_mode_mean_tokens\": true,"
                                + " \"pooling_mode_cls_token\": true}",
                        true)) {
            assertThat(encoder.dimension()).isEqualTo(768);
            float[][] encoded = encoder.encode(TEXTS, Role.DOCUMENT);
            for (int i = 0; i < TEXTS.size(); i++) {
                float[] expected = normalized(concat(cls(tokens[i]), mean(tokens[i])));
                assertThat(maxAbsDiff(encoded[i], expected)).isLessThan(1e-5);
            }
        }
    }

    @Test
    void withoutNormalizeTheMeanKeepsItsLength() throws IOException {
        try (DenseEncoder encoder =
                variant(
                        "unnormalized",
                        "{\"word_embedding_dimension\": 384, \"pooling_mode_mean_tokens\": true}",
                        false)) {
            float[][] encoded = encoder.encode(TEXTS, Role.DOCUMENT);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(maxAbsDiff(encoded[i], mean(tokens[i]))).isLessThan(1e-5);
                assertThat(Math.abs(norm(encoded[i]) - 1)).isGreaterThan(0.05);
            }
        }
    }
}
