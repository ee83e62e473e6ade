package io.fhs.operators.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.TestModels;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken model directory must fail when it is opened, naming the file and the problem, rather
 * than producing vectors that silently differ from sentence-transformers'. Malformed JSON, a bad
 * max_seq_length, a Dense module and a missing modules.json are covered by
 * DenseEncoderBehaviourTest.
 */
class ModelDirectoryErrorsTest {
    @TempDir Path tmp;
    Path dir;

    @BeforeEach
    void copyMiniLm() {
        dir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("copy"));
    }

    AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails() {
        return assertThatThrownBy(
                        () ->
                                DenseEncoder.open(
                                        ModelDirectory.open(dir), EncoderOptions.defaults()))
                .isInstanceOf(ModelException.class);
    }

    @Test
    void theUnmodifiedCopyOpens() {
        // Guards the other tests: they must fail because of their one change, not the copy.
        assertThat(SentenceTransformerConfig.load(ModelDirectory.open(dir)).embeddingDimension())
                .isEqualTo(384);
    }

    @Test
    void missingTokenizerJson() throws Exception {
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ModelDirectory.open(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("has no tokenizer.json");
    }

    @Test
    void missingModelOnnx() throws Exception {
        Files.delete(dir.resolve("model.onnx"));
        assertThatThrownBy(() -> ModelDirectory.open(dir))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("has no model.onnx")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void theGraphMayAlsoLiveInTheOnnxFolderAsInOptimumExports() throws Exception {
        Path graph = Files.readSymbolicLink(dir.resolve("model.onnx"));
        Files.delete(dir.resolve("model.onnx"));
        Files.createDirectory(dir.resolve("onnx"));
        Files.createSymbolicLink(dir.resolve("onnx/model.onnx"), graph);
        assertThat(ModelDirectory.open(dir).onnxFile()).isEqualTo(dir.resolve("onnx/model.onnx"));
    }

    @Test
    void missingDirectory() {
        assertThatThrownBy(() -> ModelDirectory.open(tmp.resolve("nothing-here")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("nothing-here")
                .hasMessageContaining("does not exist");
    }

    @Test
    void unknownSimilarityFunction() throws Exception {
        Files.writeString(
                dir.resolve("config_sentence_transformers.json"),
                "{\"similarity_fn_name\": \"hamming\"}");
        assertOpenFails()
                .hasMessageContaining("config_sentence_transformers.json")
                .hasMessageContaining("'hamming'");
    }

    @Test
    void poolingWithNoModeEnabled() throws Exception {
        Files.writeString(
                dir.resolve("1_Pooling/config.json"), "{\"word_embedding_dimension\": 384}");
        assertOpenFails()
                .hasMessageContaining("1_Pooling/config.json")
                .hasMessageContaining("no pooling mode is enabled");
    }

    @Test
    void modulesWithoutPooling() throws Exception {
        Files.writeString(
                dir.resolve("modules.json"),
                "[{\"type\": \"sentence_transformers.models.Transformer\", \"path\": \"\"}]");
        assertOpenFails()
                .hasMessageContaining("modules.json")
                .hasMessageContaining("needs a Transformer and a Pooling module");
    }

    @Test
    void poolingDimensionThatDoesNotMatchTheTransformerConfig() throws Exception {
        Files.writeString(
                dir.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 768, \"pooling_mode_mean_tokens\": true}");
        // Caught from the configuration alone, before any graph is loaded.
        assertThatThrownBy(() -> SentenceTransformerConfig.load(ModelDirectory.open(dir)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("1_Pooling/config.json")
                .hasMessageContaining("word_embedding_dimension 768")
                .hasMessageContaining("hidden_size 384");
    }

    @Test
    void configuredDimensionsThatDoNotMatchTheGraph() throws Exception {
        Files.writeString(
                dir.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 768, \"pooling_mode_mean_tokens\": true}");
        Path config = dir.resolve("config.json");
        Files.writeString(
                config,
                Files.readString(config).replace("\"hidden_size\": 384", "\"hidden_size\": 768"));
        assertOpenFails().hasMessageContaining("hidden size 384").hasMessageContaining("768");
    }
}
