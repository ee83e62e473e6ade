package io.fhs.operators.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which prompt each role gets, as sentence-transformers' encode_query / encode_document choose it.
 * Only the configuration is read, so the copies' graphs are never loaded.
 */
class SentenceTransformerConfigPromptsTest {
    @TempDir Path tmp;
    int copies;

    SentenceTransformerConfig withConfig(String configSentenceTransformersJson) throws IOException {
        Path dir =
                TestModels.copy(
                        ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("m" + copies++));
        Path file = dir.resolve("config_sentence_transformers.json");
        if (configSentenceTransformersJson == null) {
            Files.delete(file);
        } else {
            Files.writeString(file, configSentenceTransformersJson);
        }
        return SentenceTransformerConfig.load(ModelDirectory.open(dir));
    }

    @Test
    void noConfigFileOrNoPromptsMeansNoPrompt() throws IOException {
        for (String json : new String[] {null, "{}", "{\"prompts\": {}}"}) {
            SentenceTransformerConfig config = withConfig(json);
            assertThat(config.promptFor(Role.QUERY)).as(json).isEmpty();
            assertThat(config.promptFor(Role.DOCUMENT)).as(json).isEmpty();
        }
    }

    @Test
    void documentsTryDocumentThenPassageThenCorpus() throws IOException {
        assertThat(
                        withConfig(
                                        "{\"prompts\": {\"corpus\": \"c: \", \"passage\": \"p: \","
                                                + " \"document\": \"d: \"}}")
                                .promptFor(Role.DOCUMENT))
                .isEqualTo("d: ");
        assertThat(
                        withConfig("{\"prompts\": {\"corpus\": \"c: \", \"passage\": \"p: \"}}")
                                .promptFor(Role.DOCUMENT))
                .isEqualTo("p: ");
        SentenceTransformerConfig corpusOnly = withConfig("{\"prompts\": {\"corpus\": \"c: \"}}");
        assertThat(corpusOnly.promptFor(Role.DOCUMENT)).isEqualTo("c: ");
        // A document prompt never leaks into queries.
        assertThat(corpusOnly.promptFor(Role.QUERY)).isEmpty();
    }

    @Test
    void rolesWithoutTheirOwnPromptFallBackToTheDefaultPrompt() throws IOException {
        SentenceTransformerConfig config =
                withConfig(
                        "{\"prompts\": {\"query\": \"q: \", \"classification\": \"x: \"},"
                                + " \"default_prompt_name\": \"classification\"}");
        assertThat(config.promptFor(Role.QUERY)).isEqualTo("q: ");
        assertThat(config.promptFor(Role.DOCUMENT)).isEqualTo("x: ");
    }

    @Test
    void anExplicitlyEmptyDocumentPromptBeatsTheDefault() throws IOException {
        // bge-style configs spell "no document prompt" as "document": "".
        SentenceTransformerConfig config =
                withConfig(
                        "{\"prompts\": {\"query\": \"q: \", \"document\": \"\"},"
                                + " \"default_prompt_name\": \"query\"}");
        assertThat(config.promptFor(Role.DOCUMENT)).isEmpty();
        assertThat(config.promptFor(Role.QUERY)).isEqualTo("q: ");
    }

    @Test
    void theBundledBgeConfigPromptsQueriesOnly() {
        SentenceTransformerConfig bge =
                SentenceTransformerConfig.load(ModelLocator.resolve("bge-small-en-v1.5"));
        assertThat(bge.promptFor(Role.QUERY))
                .isEqualTo("Represent this sentence for searching relevant passages: ");
        assertThat(bge.promptFor(Role.DOCUMENT)).isEmpty();
    }

    @Test
    void aDefaultPromptNameThatIsNotAPromptIsRejected() {
        assertThatThrownBy(
                        () ->
                                withConfig(
                                        "{\"prompts\": {\"query\": \"q: \"},"
                                                + " \"default_prompt_name\": \"document\"}"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("config_sentence_transformers.json")
                .hasMessageContaining("default_prompt_name 'document'");
    }

    @Test
    void aPromptThatIsNotAStringIsRejected() {
        assertThatThrownBy(() -> withConfig("{\"prompts\": {\"query\": 3}}"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("\"prompts.query\" must be a string");
    }
}
