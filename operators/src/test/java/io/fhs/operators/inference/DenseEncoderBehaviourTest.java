package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.TestModels;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncation, batching, pooling and prompt behaviour of the dense encoder on real models. */
class DenseEncoderBehaviourTest {
    // Common words that are each a single word piece in the uncased BERT vocabulary.
    static final String[] WORDS = {
        "the", "system", "data", "stream", "search", "index", "model", "query", "time", "water",
        "house", "music", "city", "paper", "light", "river", "green", "table", "market", "school"
    };

    static DenseEncoder minilm;

    @BeforeAll
    static void open() {
        minilm = DenseEncoder.open("all-MiniLM-L6-v2");
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    static String words(int n, long seed) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(WORDS[random.nextInt(WORDS.length)]);
        }
        return String.join(" ", out);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void aTextRepeatedInABatchGetsTheVectorItGetsAloneAndACopyOfItsOwn() {
        String footer = "Copyright the market school; all rights reserved.";
        List<String> batch = List.of(footer, words(30, 7), footer, words(5, 8), footer);
        float[][] vectors = minilm.encode(batch, Role.DOCUMENT);
        float[] alone = minilm.encode(footer, Role.DOCUMENT);
        for (int i : new int[] {0, 2, 4}) {
            assertThat(maxAbsDiff(vectors[i], alone)).as("row %d", i).isLessThan(1e-6);
        }
        assertThat(maxAbsDiff(vectors[1], minilm.encode(batch.get(1), Role.DOCUMENT)))
                .isLessThan(1e-6);
        vectors[0][0] += 1;
        assertThat(vectors[2][0]).isNotEqualTo(vectors[0][0]);
    }

    @Test
    void wordsOfTheTestTextsAreSingleWordPieces() {
        for (String w : WORDS) {
            assertThat(minilm.tokenizer().countTokens(w)).as(w).isEqualTo(3);
        }
    }

    @Test
    void aTwoThousandWordTextEqualsItsFirstMaxSeqLengthTokens() {
        String text = words(2_000, 1);
        String[] split = text.split(" ");
        // [CLS] + 254 words + [SEP] = 256 = max_seq_length.
        String first254 = String.join(" ", List.of(split).subList(0, 254));
        String first200 = String.join(" ", List.of(split).subList(0, 200));
        assertThat(minilm.tokenize(List.of(text), Role.DOCUMENT).get(0).seqLen()).isEqualTo(256);
        float[] whole = minilm.encode(text, Role.DOCUMENT);
        assertThat(maxAbsDiff(whole, minilm.encode(first254, Role.DOCUMENT))).isLessThan(1e-5);
        assertThat(maxAbsDiff(whole, minilm.encode(first200, Role.DOCUMENT))).isGreaterThan(1e-3);
    }

    @Test
    void vectorsDoNotDependOnBatchSizeOrComposition() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            texts.add(words(i % 4 == 0 ? 300 : 3 + i * 2, i));
        }
        float[][] batched = minilm.encode(texts, Role.DOCUMENT);
        List<String> shuffled = new ArrayList<>(texts);
        Collections.shuffle(shuffled, new Random(5));
        try (DenseEncoder small =
                DenseEncoder.open(
                        ModelLocator.resolve("all-MiniLM-L6-v2"),
                        new EncoderOptions(7, 100_000, 0))) {
            float[][] other = small.encode(shuffled, Role.DOCUMENT);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = minilm.encode(texts.get(i), Role.DOCUMENT);
                assertThat(maxAbsDiff(alone, batched[i])).as("text %d", i).isLessThan(1e-5);
                assertThat(maxAbsDiff(alone, other[shuffled.indexOf(texts.get(i))]))
                        .isLessThan(1e-5);
            }
        }
    }

    @Test
    void meanAndClsPoolingFollowTheConfigAndTheRawTokenEmbeddings(@TempDir Path tmp)
            throws Exception {
        String text = "Pooling turns token embeddings into one sentence embedding.";
        TokenizedBatch batch = minilm.tokenize(List.of(text), Role.DOCUMENT).get(0);
        OnnxModel.Output raw = minilm.model().run(batch);
        int hidden = 384;
        float[] mean = new float[hidden];
        float[] cls = new float[hidden];
        for (int d = 0; d < hidden; d++) {
            double sum = 0;
            for (int t = 0; t < batch.length(0); t++) {
                sum += raw.data().get(t * hidden + d);
            }
            mean[d] = (float) (sum / batch.length(0));
            cls[d] = raw.data().get(d);
        }
        Pooler.normalizeInPlace(mean);
        Pooler.normalizeInPlace(cls);

        Path clsDir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("cls"));
        Files.writeString(
                clsDir.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true}");
        try (DenseEncoder clsEncoder =
                DenseEncoder.open(ModelDirectory.open(clsDir), EncoderOptions.defaults())) {
            float[] viaCls = clsEncoder.encode(text, Role.DOCUMENT);
            float[] viaMean = minilm.encode(text, Role.DOCUMENT);
            assertThat(maxAbsDiff(viaMean, mean)).isLessThan(1e-5);
            assertThat(maxAbsDiff(viaCls, cls)).isLessThan(1e-5);
            assertThat(maxAbsDiff(viaCls, viaMean)).isGreaterThan(0.01);
        }
    }

    @Test
    void bgeQueryPromptChangesQueriesOnly() {
        String text = "How do stream processors recover from failures?";
        String prompt = "Represent this sentence for searching relevant passages: ";
        try (DenseEncoder bge = DenseEncoder.open("bge-small-en-v1.5")) {
            float[] query = bge.encode(text, Role.QUERY);
            float[] doc = bge.encode(text, Role.DOCUMENT);
            assertThat(maxAbsDiff(query, doc)).isGreaterThan(0.01);
            // The query is exactly the document encoding of prompt + text; the document prompt is
            // "".
            assertThat(maxAbsDiff(query, bge.encode(prompt + text, Role.DOCUMENT)))
                    .isLessThan(1e-6);
            // do_lower_case: the model sees lower-cased text.
            assertThat(
                            maxAbsDiff(
                                    doc,
                                    bge.encode(
                                            text.toUpperCase(java.util.Locale.ROOT),
                                            Role.DOCUMENT)))
                    .isLessThan(1e-6);
        }
    }

    @Test
    void aModelDirectoryWithoutTokenizerJsonFailsNamingIt(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("broken"));
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(
                        () ->
                                DenseEncoder.open(
                                        ModelDirectory.open(dir), EncoderOptions.defaults()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("tokenizer.json")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void malformedConfigFilesAreNamedWithTheProblem(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("bad"));
        Files.writeString(
                dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": \"abc\"}");
        assertThatThrownBy(
                        () ->
                                DenseEncoder.open(
                                        ModelDirectory.open(dir), EncoderOptions.defaults()))
                .hasMessageContaining("sentence_bert_config.json")
                .hasMessageContaining("max_seq_length")
                .hasMessageContaining("positive integer");
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 256}");
        Files.writeString(
                dir.resolve("1_Pooling/config.json"), "{\"word_embedding_dimension\": 384,");
        assertThatThrownBy(
                        () ->
                                DenseEncoder.open(
                                        ModelDirectory.open(dir), EncoderOptions.defaults()))
                .hasMessageContaining("1_Pooling/config.json")
                .hasMessageContaining("not valid JSON");
        Files.writeString(
                dir.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 384, \"pooling_mode_mean_tokens\": true}");
        Files.writeString(
                dir.resolve("modules.json"),
                "[{\"type\": \"sentence_transformers.models.Transformer\", \"path\": \"\"},"
                        + " {\"type\": \"sentence_transformers.models.Pooling\", \"path\": \"1_Pooling\"},"
                        + " {\"type\": \"sentence_transformers.models.Dense\", \"path\": \"2_Dense\"}]");
        assertThatThrownBy(
                        () ->
                                DenseEncoder.open(
                                        ModelDirectory.open(dir), EncoderOptions.defaults()))
                .hasMessageContaining("modules.json")
                .hasMessageContaining("sentence_transformers.models.Dense is not supported");
        Files.delete(dir.resolve("modules.json"));
        assertThatThrownBy(
                        () ->
                                DenseEncoder.open(
                                        ModelDirectory.open(dir), EncoderOptions.defaults()))
                .hasMessageContaining("has no modules.json");
    }
}
