package io.fhs.operators.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.operators.TestModels;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.Role;
import io.fhs.operators.model.SafeTensorsTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tiny-splade as a sentence-transformers v5 Router against the same model with idf.json. */
class RouterSpladeTest {
    private static final String ROUTER_CONFIG = "router_config.json";

    @Test
    void aRouterEncodesAsTheIdfJsonLayoutOfTheSameWeights() {
        List<String> texts = SpladeEncoderGoldenTest.texts();
        try (SparseEncoder router = SparseEncoders.open(TestModels.spladeRouter().toString());
                SparseEncoder idf = SparseEncoders.open(TestModels.splade().root().toString())) {
            assertThat(router).isInstanceOf(InferenceFreeSpladeEncoder.class);
            assertSameVectors(router, idf, texts);
        }
    }

    @Test
    void queryWeightsMayComeFromTheJsonFileTheStaticModuleNames(@TempDir Path tmp)
            throws Exception {
        Path dir = TestModels.copy(TestModels.spladeRouter(), tmp.resolve("json-weights"));
        Path query = dir.resolve("query_0_SparseStaticEmbedding");
        Files.delete(query.resolve(RouterSplade.WEIGHTS));
        Files.copy(TestModels.splade().root().resolve("idf.json"), query.resolve("idf.json"));
        Files.writeString(
                query.resolve("config.json"), "{\"frozen\": false, \"path\": \"idf.json\"}");
        try (SparseEncoder router = SparseEncoders.open(dir.toString());
                SparseEncoder idf = SparseEncoders.open(TestModels.splade().root().toString())) {
            assertSameVectors(router, idf, SpladeEncoderGoldenTest.texts());
        }
    }

    private static void assertSameVectors(
            SparseEncoder router, SparseEncoder idf, List<String> texts) {
        List<SparseVector> queries = router.encode(texts, Role.QUERY);
        List<SparseVector> docs = router.encode(texts, Role.DOCUMENT);
        List<SparseVector> expectedQueries = idf.encode(texts, Role.QUERY);
        List<SparseVector> expectedDocs = idf.encode(texts, Role.DOCUMENT);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(queries.get(i).indices()).isNotEmpty();
            // The same float32 weights and the same ONNX graph: equal, not merely close.
            assertThat(queries.get(i)).as(texts.get(i)).isEqualTo(expectedQueries.get(i));
            assertThat(docs.get(i)).as(texts.get(i)).isEqualTo(expectedDocs.get(i));
            assertThat(docs.get(i)).isNotEqualTo(queries.get(i));
        }
    }

    @Test
    void aMalformedRouterConfigIsNamed(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(TestModels.spladeRouter(), tmp.resolve("malformed"));
        Files.writeString(
                dir.resolve(ROUTER_CONFIG),
                "{\"types\": {}, \"structure\": {\"query\": [\"query_0_SparseStaticEmbedding\"]}}");
        assertThatThrownBy(() -> SparseEncoders.open(dir.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(dir.resolve(ROUTER_CONFIG).toString())
                .hasMessageContaining("query_0_SparseStaticEmbedding");

        Files.writeString(dir.resolve(ROUTER_CONFIG), "{\"types\": [1, 2]");
        assertThatThrownBy(() -> SparseEncoders.open(dir.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(dir.resolve(ROUTER_CONFIG).toString())
                .hasMessageContaining("not valid JSON");

        Files.delete(dir.resolve(ROUTER_CONFIG));
        assertThatThrownBy(() -> SparseEncoders.open(dir.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(dir.resolve(ROUTER_CONFIG).toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aDenseRouterIsRejectedNamingItsConfig(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(TestModels.spladeRouter(), tmp.resolve("dense"));
        Files.writeString(
                dir.resolve(ROUTER_CONFIG),
                """
                {"types": {"query_0_Transformer": "sentence_transformers.models.Transformer",
                           "document_0_Transformer": "sentence_transformers.models.Transformer"},
                 "structure": {"query": ["query_0_Transformer"],
                               "document": ["document_0_Transformer"]},
                 "parameters": {"default_route": "document"}}
                """);
        assertThatThrownBy(() -> SparseEncoders.open(dir.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(dir.resolve(ROUTER_CONFIG).toString())
                .hasMessageContaining("only inference-free SPLADE Routers");
        assertThatThrownBy(() -> DenseEncoder.open(dir.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(dir.resolve(ROUTER_CONFIG).toString())
                .hasMessageContaining("Router");
    }

    @Test
    void aQueryTokenizerThatDiffersFromTheDocumentOneIsRejected(@TempDir Path tmp)
            throws Exception {
        Path dir = TestModels.copy(TestModels.spladeRouter(), tmp.resolve("tokenizers"));
        Path tokenizer = dir.resolve("query_0_SparseStaticEmbedding").resolve("tokenizer.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(tokenizer.toFile());
        ObjectNode vocab = (ObjectNode) root.path("model").path("vocab");
        vocab.set("streamz", vocab.remove("stream"));
        json.writeValue(tokenizer.toFile(), root);
        assertThatThrownBy(() -> SparseEncoders.open(dir.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(tokenizer.toString())
                .hasMessageContaining("'streamz'");
    }

    @Test
    void queryWeightsLongerThanTheVocabularyAreRejected(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(TestModels.spladeRouter(), tmp.resolve("long"));
        Path weights = dir.resolve("query_0_SparseStaticEmbedding").resolve(RouterSplade.WEIGHTS);
        SafeTensorsTest.writeF32(weights, "weight", new float[40_000]);
        assertThatThrownBy(() -> SparseEncoders.open(dir.toString()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(weights.toString())
                .hasMessageContaining("40000");
    }
}
