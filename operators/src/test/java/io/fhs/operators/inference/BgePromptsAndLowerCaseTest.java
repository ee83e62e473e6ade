package io.fhs.operators.inference;

import static io.fhs.operators.TestVectors.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.operators.TestModels;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bge-small-en-v1.5 prompts queries but not documents, and lower-cases its input. */
class BgePromptsAndLowerCaseTest {
    static final String PROMPT = "Represent this sentence for searching relevant passages: ";
    static final String TEXT = "How do stream processors recover from failures?";

    static DenseEncoder bge;

    @BeforeAll
    static void open() {
        bge = DenseEncoder.open("bge-small-en-v1.5");
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    static Path copyOfBge(Path target) {
        return TestModels.copy(ModelLocator.resolve("bge-small-en-v1.5"), target);
    }

    @Test
    void theQueryPromptChangesQueriesOnly(@TempDir Path tmp) throws Exception {
        float[] query = bge.encode(TEXT, Role.QUERY);
        float[] document = bge.encode(TEXT, Role.DOCUMENT);
        assertThat(maxAbsDiff(query, document)).isGreaterThan(0.01);
        assertThat(maxAbsDiff(query, bge.encode(PROMPT + TEXT, Role.DOCUMENT))).isLessThan(1e-6);

        // Without any prompts configured, both roles must give exactly bge's document vector.
        Path dir = copyOfBge(tmp.resolve("no-prompts"));
        Files.writeString(dir.resolve("config_sentence_transformers.json"), "{\"prompts\": {}}");
        try (DenseEncoder unprompted =
                DenseEncoder.open(ModelDirectory.open(dir), EncoderOptions.defaults())) {
            assertThat(maxAbsDiff(document, unprompted.encode(TEXT, Role.DOCUMENT)))
                    .isLessThan(1e-6);
            assertThat(maxAbsDiff(document, unprompted.encode(TEXT, Role.QUERY))).isLessThan(1e-6);
        }
    }

    @Test
    void upperAndLowerCaseGiveTheSameVector() {
        assertThat(bge.config().doLowerCase()).isTrue();
        assertThat(
                        maxAbsDiff(
                                bge.encode("HELLO World", Role.DOCUMENT),
                                bge.encode("hello world", Role.DOCUMENT)))
                .isLessThan(1e-6);
    }

    @Test
    void doLowerCaseAppliesEvenWhenTheTokenizerIsCased(@TempDir Path tmp) throws Exception {
        // bge's tokenizer lower-cases by itself, which would hide a do_lower_case that does
        // nothing. A copy with a cased tokenizer leaves do_lower_case as the only lower-casing.
        Path dir = copyOfBge(tmp.resolve("cased"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        ((ObjectNode) tokenizer.get("normalizer")).put("lowercase", false);
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer);
        try (DenseEncoder cased =
                DenseEncoder.open(ModelDirectory.open(dir), EncoderOptions.defaults())) {
            long[] upper = cased.tokenize(List.of("HELLO World"), Role.DOCUMENT).get(0).inputIds();
            long[] lower = bge.tokenize(List.of("hello world"), Role.DOCUMENT).get(0).inputIds();
            assertThat(upper).isEqualTo(lower);
            assertThat(cased.tokenizer().encode(List.of("HELLO World"))[0].getIds())
                    .as("the copy's tokenizer really is cased")
                    .isNotEqualTo(lower);
            assertThat(
                            maxAbsDiff(
                                    cased.encode("HELLO World", Role.DOCUMENT),
                                    bge.encode("hello world", Role.DOCUMENT)))
                    .isLessThan(1e-6);
        }
    }
}
