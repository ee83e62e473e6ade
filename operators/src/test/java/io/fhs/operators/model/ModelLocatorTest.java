package io.fhs.operators.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
    @Test
    void bundledModelsAreTheFourTheBuildMaterializes() {
        assertThat(ModelLocator.bundledNames())
                .containsExactly(
                        "all-MiniLM-L6-v2",
                        "all-MiniLM-L6-v2-int8",
                        "bge-small-en-v1.5",
                        "bge-small-en-v1.5-int8");
    }

    @Test
    void anUnknownNameListsTheBundledModels() {
        assertThatThrownBy(() -> ModelLocator.resolve("no-such-model"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("'no-such-model'")
                .hasMessageContaining(
                        "bundled: all-MiniLM-L6-v2, all-MiniLM-L6-v2-int8, bge-small-en-v1.5,"
                                + " bge-small-en-v1.5-int8");
    }

    @Test
    void namesAreCaseInsensitiveAndMayCarryTheHuggingFaceOrganisation() {
        assertThat(ModelLocator.resolve("ALL-minilm-L6-V2").name()).isEqualTo("all-MiniLM-L6-v2");
        assertThat(ModelLocator.resolve("BAAI/bge-small-en-v1.5").name())
                .isEqualTo("bge-small-en-v1.5");
        assertThat(ModelLocator.resolve("sentence-transformers/all-MiniLM-L6-v2-int8").name())
                .isEqualTo("all-MiniLM-L6-v2-int8");
        // Only whole names match: a prefix shared by several models is an error, not a guess.
        assertThatThrownBy(() -> ModelLocator.resolve("bge-small"))
                .isInstanceOf(ModelException.class);
    }

    @Test
    void aDirectoryPathIsOpenedAsIs(@TempDir Path tmp) {
        ModelDirectory bundled = ModelLocator.resolve("all-MiniLM-L6-v2");
        assertThat(ModelLocator.resolve(bundled.root().toString()).root())
                .isEqualTo(bundled.root());
        // An existing directory is never looked up by name, even if it is not a model.
        assertThatThrownBy(() -> ModelLocator.resolve(tmp.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("has no model.onnx");
    }
}
