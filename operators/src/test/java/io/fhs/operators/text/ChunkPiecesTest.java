package io.fhs.operators.text;

import static io.fhs.operators.TestVectors.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.operators.TestModels;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.inference.TokenizedBatch;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunker's word pieces give the encoder exactly the rows, and so the vectors, that tokenizing
 * the chunk texts again would: with and without a title before the chunk, for a model that
 * lower-cases (bge-small) and one that does not (MiniLM), with prompts, truncation, words cut by a
 * window, and Unicode where Java's lower-casing and the tokenizer's differ.
 */
class ChunkPiecesTest {
    static final String TITLE = "Zürich's Café-Über: 東京 🚀 naïve ΟΔΟΣ";
    static final String UNICODE =
            ("ΟΔΟΣ ΚΑΙ ΛΟΓΟΣ σοφός İstanbul ǅemal ﬁnance Straße 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 e\u0301te\u0301 "
                            + "x\u00a0y a\u3000b \u001fcontrol\u0085next ")
                    .repeat(30);

    /** Encode texts and pieces for the chunks of {@code text}, alone and after {@link #TITLE}. */
    record Inputs(List<String> texts, List<int[]> pieces) {
        static Inputs of(Chunker chunker, String text) {
            List<String> texts = new ArrayList<>();
            List<int[]> pieces = new ArrayList<>();
            for (Chunk c : chunker.chunk(text)) {
                texts.add(c.text());
                pieces.add(c.pieces());
                texts.add(TITLE + " " + c.text());
                pieces.add(chunker.piecesAfter(TITLE, c));
            }
            return new Inputs(texts, pieces);
        }

        Inputs plus(Inputs other) {
            List<String> t = new ArrayList<>(texts);
            t.addAll(other.texts);
            List<int[]> p = new ArrayList<>(pieces);
            p.addAll(other.pieces);
            return new Inputs(t, p);
        }

        long withPieces() {
            return pieces.stream().filter(Objects::nonNull).count();
        }
    }

    /** Each input's row (its real tokens), in input order. */
    static long[][] rows(List<TokenizedBatch> batches, int inputs) {
        long[][] rows = new long[inputs][];
        for (TokenizedBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                int from = i * b.seqLen();
                rows[b.row(i)] = Arrays.copyOfRange(b.inputIds(), from, from + b.length(i));
            }
        }
        return rows;
    }

    static void assertSameRowsAndVectors(DenseEncoder encoder, Inputs in) {
        long[][] fromText = rows(encoder.tokenize(in.texts(), Role.DOCUMENT), in.texts().size());
        long[][] fromPieces =
                rows(encoder.tokenize(in.texts(), in.pieces(), Role.DOCUMENT), in.texts().size());
        for (int i = 0; i < fromText.length; i++) {
            assertThat(fromPieces[i]).as("row of %s", in.texts().get(i)).isEqualTo(fromText[i]);
        }
        float[][] expected = encoder.encode(in.texts(), Role.DOCUMENT);
        float[][] actual = encoder.encode(in.texts(), in.pieces(), Role.DOCUMENT);
        for (int i = 0; i < expected.length; i++) {
            assertThat(maxAbsDiff(actual[i], expected[i])).isLessThan(1e-6);
        }
    }

    @Test
    void miniLmRowsFromPiecesEqualRowsFromText() {
        try (DenseEncoder minilm = DenseEncoder.open("all-MiniLM-L6-v2");
                Chunker full = Chunker.forDocuments(minilm.directory(), 32);
                Chunker tiny = new Chunker(minilm.directory(), 3, 1)) {
            assertThat(minilm.takesPieces(Role.DOCUMENT)).isTrue();
            assertThat(full.givesPieces()).isTrue();
            Inputs windows = Inputs.of(full, ChunkerTest.MIXED);
            // A title before a full window runs past max_seq_length: both paths truncate alike.
            long[][] textRows =
                    rows(minilm.tokenize(windows.texts(), Role.DOCUMENT), windows.texts().size());
            assertThat(Arrays.stream(textRows).mapToInt(row -> row.length).max()).hasValue(256);
            Inputs cut = Inputs.of(tiny, ChunkerTest.MIXED.substring(0, 400) + UNICODE);
            // Three-piece windows cut long words; those chunks carry no pieces.
            assertThat(cut.withPieces()).isPositive().isLessThan(cut.texts().size());
            assertSameRowsAndVectors(minilm, windows.plus(cut).plus(Inputs.of(full, UNICODE)));
        }
    }

    @Test
    void aWindowCutInsideAWordHasNoPieces() {
        try (Chunker chunker = new Chunker(ModelLocator.resolve("all-MiniLM-L6-v2"), 2, 0)) {
            List<Chunk> chunks = chunker.chunk("antidisestablishmentarianism is long");
            assertThat(chunks.get(0).text()).isEqualTo("antidis");
            assertThat(chunks.get(0).pieces()).isNull();
            Chunk last = chunks.get(chunks.size() - 1);
            assertThat(last.text()).isEqualTo("is long");
            assertThat(last.pieces()).hasSize(2);
        }
    }

    @Test
    void bgeLowerCasesAndKeepsJavasLowerCasingWhereTheTokenizersDiffers() {
        try (DenseEncoder bge = DenseEncoder.open("bge-small-en-v1.5");
                Chunker chunker = Chunker.forDocuments(bge.directory(), 32);
                Chunker small = new Chunker(bge.directory(), 40, 8)) {
            assertThat(bge.config().doLowerCase()).isTrue();
            assertThat(bge.takesPieces(Role.DOCUMENT)).isTrue();
            // Java lower-cases a final capital sigma to ς, the tokenizer (per character) to σ.
            Chunk sigma = chunker.chunk("ΟΔΟΣ").get(0);
            long[] javaLowerCased = rows(bge.tokenize(List.of("ΟΔΟΣ"), Role.DOCUMENT), 1)[0];
            assertThat(Arrays.stream(sigma.pieces()).asLongStream().toArray())
                    .isNotEqualTo(Arrays.copyOfRange(javaLowerCased, 1, javaLowerCased.length - 1));
            assertSameRowsAndVectors(
                    bge,
                    Inputs.of(chunker, ChunkerTest.MIXED.repeat(2))
                            .plus(Inputs.of(small, UNICODE))
                            .plus(Inputs.of(small, ChunkerTest.MIXED.toUpperCase())));
        }
    }

    static Path bgeWithDocumentPrompt(Path tmp, String prompt) throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("bge-small-en-v1.5"), tmp);
        Files.writeString(
                dir.resolve("config_sentence_transformers.json"),
                new ObjectMapper()
                        .createObjectNode()
                        .set(
                                "prompts",
                                new ObjectMapper().createObjectNode().put("document", prompt))
                        .toString());
        return dir;
    }

    @Test
    void aDocumentPromptIsSplicedWhenItEndsAWord(@TempDir Path tmp) throws Exception {
        ModelDirectory spliced =
                ModelDirectory.open(bgeWithDocumentPrompt(tmp.resolve("a"), "passage: "));
        ModelDirectory glued =
                ModelDirectory.open(bgeWithDocumentPrompt(tmp.resolve("b"), "passage"));
        try (DenseEncoder withPrompt = DenseEncoder.open(spliced, EncoderOptions.defaults());
                DenseEncoder gluing = DenseEncoder.open(glued, EncoderOptions.defaults());
                Chunker chunker = Chunker.forDocuments(spliced, 32);
                Chunker small = new Chunker(spliced, 30, 5)) {
            assertThat(withPrompt.takesPieces(Role.DOCUMENT)).isTrue();
            Inputs in = Inputs.of(chunker, ChunkerTest.MIXED).plus(Inputs.of(small, UNICODE));
            assertSameRowsAndVectors(withPrompt, in);
            // "passage" and a text's first word would be tokenized as one word: no splicing.
            assertThat(gluing.takesPieces(Role.DOCUMENT)).isFalse();
            assertSameRowsAndVectors(gluing, in);
        }
    }

    @Test
    void doLowerCaseWithACasedTokenizerTakesNoPieces(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("bge-small-en-v1.5"), tmp.resolve("cased"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        ((ObjectNode) tokenizer.get("normalizer")).put("lowercase", false);
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer);
        try (DenseEncoder cased =
                        DenseEncoder.open(ModelDirectory.open(dir), EncoderOptions.defaults());
                Chunker chunker = new Chunker(cased.directory(), 20, 4)) {
            assertThat(chunker.givesPieces()).isTrue();
            assertThat(cased.takesPieces(Role.DOCUMENT)).isFalse();
            assertSameRowsAndVectors(cased, Inputs.of(chunker, "Upper Case WORDS. ".repeat(30)));
        }
    }

    @Test
    void aTokenizerWithoutBertWordSplittingGivesNoPieces(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("all-MiniLM-L6-v2"), tmp.resolve("meta"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        tokenizer.set(
                "pre_tokenizer",
                json.createObjectNode()
                        .put("type", "Metaspace")
                        .put("replacement", "▁")
                        .put("prepend_scheme", "always")
                        .put("split", true));
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer);
        try (Chunker chunker = new Chunker(ModelDirectory.open(dir), 20, 4)) {
            assertThat(chunker.givesPieces()).isFalse();
            assertThat(chunker.chunk(ChunkerTest.MIXED))
                    .allSatisfy(c -> assertThat(c.pieces()).isNull());
        }
    }
}
