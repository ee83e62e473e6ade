package io.fhs.operators.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.TestModels;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceFreeSpladeEncoderTest {
    static final JsonNode GOLDEN = TestModels.golden("tiny-splade");

    @Test
    void queriesUseStaticWeightsAndDocumentsTheModel() {
        try (SparseEncoder encoder = SparseEncoders.open(TestModels.splade().root().toString())) {
            assertThat(encoder).isInstanceOf(InferenceFreeSpladeEncoder.class);
            List<String> texts = SpladeEncoderGoldenTest.texts();
            List<SparseVector> queries = encoder.encode(texts, Role.QUERY);
            List<SparseVector> docs = encoder.encode(texts, Role.DOCUMENT);
            for (int i = 0; i < GOLDEN.size(); i++) {
                JsonNode g = GOLDEN.get(i);
                // Static weights involve no arithmetic: exactly the golden indices and values.
                assertThat(queries.get(i))
                        .as(texts.get(i))
                        .isEqualTo(SpladeEncoderGoldenTest.expected(g, "query"));
                SpladeEncoderGoldenTest.assertClose(
                        docs.get(i), SpladeEncoderGoldenTest.expected(g, "max"), texts.get(i));
            }
        }
    }

    @Test
    void aWeightForAnUnknownTokenIsRejected(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(TestModels.splade(), tmp.resolve("bad"));
        Files.writeString(
                dir.resolve("idf.json"), "{\"hello\": 1.5, \"notavocabularytokenxyz\": 2.0}");
        assertThatThrownBy(() -> new InferenceFreeSpladeEncoder(ModelDirectory.open(dir)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("idf.json")
                .hasMessageContaining("notavocabularytokenxyz");
    }
}
