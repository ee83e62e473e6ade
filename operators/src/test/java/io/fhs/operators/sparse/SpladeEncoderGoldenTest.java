package io.fhs.operators.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.TestModels;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.inference.TextTokenizer;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPLADE against torch + numpy golden vectors of the generated tiny MLM model. */
class SpladeEncoderGoldenTest {
    static final JsonNode GOLDEN = TestModels.golden("tiny-splade");
    static SpladeEncoder splade;

    @BeforeAll
    static void open() {
        splade = new SpladeEncoder(TestModels.splade());
    }

    @AfterAll
    static void close() {
        splade.close();
    }

    static List<String> texts() {
        List<String> texts = new ArrayList<>();
        GOLDEN.forEach(g -> texts.add(g.get("text").asText()));
        return texts;
    }

    static SparseVector expected(JsonNode g, String field) {
        JsonNode v = g.get(field);
        int[] indices = new int[v.get("indices").size()];
        float[] values = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = v.get("indices").get(i).asInt();
            values[i] = v.get("values").get(i).floatValue();
        }
        return new SparseVector(indices, values);
    }

    /**
     * Same non-zero indices and values within 1e-4; an index whose weight is within 1e-4 of zero
     * may fall on either side of zero across runtimes.
     */
    static void assertClose(SparseVector actual, SparseVector expected, String what) {
        for (int i = 0; i < expected.size(); i++) {
            float want = expected.values()[i];
            float got = actual.get(expected.indices()[i]);
            assertThat(got)
                    .as("%s index %d", what, expected.indices()[i])
                    .isCloseTo(want, within(1e-4f));
        }
        for (int i = 0; i < actual.size(); i++) {
            if (expected.get(actual.indices()[i]) == 0f) {
                assertThat(actual.values()[i])
                        .as("%s extra index %d", what, actual.indices()[i])
                        .isLessThan(1e-4f);
            }
        }
        assertThat(Math.abs(actual.size() - expected.size()))
                .as(what + " size")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void tokenizerProducesTheGoldenIds() {
        try (TextTokenizer tok = new TextTokenizer(TestModels.splade(), 128)) {
            for (JsonNode g : GOLDEN) {
                long[] ids = tok.encode(List.of(g.get("text").asText()))[0].getIds();
                List<Long> want = new ArrayList<>();
                g.get("ids").forEach(id -> want.add(id.asLong()));
                assertThat(ids)
                        .as(g.get("text").asText())
                        .containsExactly(want.stream().mapToLong(Long::longValue).toArray());
            }
        }
    }

    @Test
    void eachTextAloneMatchesGolden() {
        for (JsonNode g : GOLDEN) {
            SparseVector v = splade.encode(g.get("text").asText(), Role.DOCUMENT);
            assertClose(v, expected(g, "max"), g.get("text").asText());
            assertThat(v.size()).isBetween(50, 1000);
        }
    }

    @Test
    void mixedBatchesMatchGoldenInInputOrder() {
        List<String> texts = texts();
        List<JsonNode> golden = new ArrayList<>();
        GOLDEN.forEach(golden::add);
        Collections.reverse(texts);
        Collections.reverse(golden);
        try (SpladeEncoder small =
                new SpladeEncoder(
                        TestModels.splade(), EncoderOptions.defaults().withMaxBatchSize(3), 0)) {
            List<SparseVector> vectors = small.encode(texts, Role.DOCUMENT);
            for (int i = 0; i < texts.size(); i++) {
                assertClose(vectors.get(i), expected(golden.get(i), "max"), texts.get(i));
            }
        }
    }

    @Test
    void sumPoolingFromTheModelDirectory(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(TestModels.splade(), tmp.resolve("sum"));
        Files.writeString(
                dir.resolve("1_SpladePooling/config.json"),
                "{\"pooling_strategy\": \"sum\", \"activation_function\": \"relu\"}");
        try (SpladeEncoder sum = new SpladeEncoder(ModelDirectory.open(dir))) {
            List<SparseVector> vectors = sum.encode(texts(), Role.DOCUMENT);
            for (int i = 0; i < GOLDEN.size(); i++) {
                assertClose(vectors.get(i), expected(GOLDEN.get(i), "sum"), "sum " + i);
            }
        }
    }

    @Test
    void maxActiveDimsKeepsTheLargestGoldenWeights() {
        try (SpladeEncoder top =
                new SpladeEncoder(TestModels.splade(), EncoderOptions.defaults(), 20)) {
            for (JsonNode g : GOLDEN) {
                SparseVector v = top.encode(g.get("text").asText(), Role.DOCUMENT);
                SparseVector want = expected(g, "max").topK(20);
                assertThat(v.size()).isEqualTo(20);
                assertThat(v.indices()).containsExactly(want.indices());
            }
        }
    }

    @Test
    void decodeListsTheHeaviestTokensFirst() {
        JsonNode g = GOLDEN.get(1);
        SparseVector want = expected(g, "max");
        List<SparseEncoder.TokenWeight> decoded =
                splade.decode(splade.encode(g.get("text").asText(), Role.DOCUMENT), 5);
        assertThat(decoded).hasSize(5);
        SparseVector top = want.topK(5);
        float heaviest = 0;
        for (float x : top.values()) {
            heaviest = Math.max(heaviest, x);
        }
        assertThat(decoded.get(0).weight()).isCloseTo(heaviest, within(1e-4f));
        for (int i = 1; i < decoded.size(); i++) {
            assertThat(decoded.get(i).weight()).isLessThanOrEqualTo(decoded.get(i - 1).weight());
        }
        int heaviestIndex = top.indices()[0];
        for (int i = 0; i < top.size(); i++) {
            if (top.values()[i] == heaviest) {
                heaviestIndex = top.indices()[i];
            }
        }
        assertThat(decoded.get(0).token()).isEqualTo(splade.vocabulary().token(heaviestIndex));
    }

    @Test
    void aDenseModelDirectoryIsRejectedByItsModules() {
        ModelDirectory dense = ModelLocator.resolve("all-MiniLM-L6-v2");
        assertThatThrownBy(() -> new SpladeEncoder(dense))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("is not supported for SPLADE");
    }

    @Test
    void aDenseGraphWithSpladeConfigFailsNamingBothShapes(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(TestModels.splade(), tmp.resolve("wrong"));
        Files.delete(dir.resolve("model.onnx"));
        Files.createSymbolicLink(
                dir.resolve("model.onnx"), ModelLocator.resolve("all-MiniLM-L6-v2").onnxFile());
        assertThatThrownBy(() -> new SpladeEncoder(ModelDirectory.open(dir)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("logits [batch, seq, 30522]")
                .hasMessageContaining("last_hidden_state")
                .hasMessageContaining("384");
    }
}
