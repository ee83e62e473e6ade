package io.fhs.operators.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.operators.TestModels;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.inference.SharedSessions;
import io.fhs.operators.inference.TokenBudget;
import io.fhs.operators.inference.TokenizedBatch;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunks sized for an encoder reach it whole: no chunk is truncated. */
class ChunkerEncoderFitTest {

    /** Each chunk's row length in the encoder's own batches, in chunk order. */
    static int[] rowLengths(DenseEncoder encoder, List<Chunk> chunks) {
        List<String> texts = chunks.stream().map(Chunk::text).toList();
        int[] lengths = new int[texts.size()];
        for (TokenizedBatch batch : encoder.tokenize(texts, Role.DOCUMENT)) {
            for (int i = 0; i < batch.size(); i++) {
                lengths[batch.row(i)] = batch.length(i);
            }
        }
        return lengths;
    }

    static void assertNoChunkIsTruncated(
            DenseEncoder encoder, String text, int overlap, int fixedTokens) {
        try (Chunker chunker = Chunker.forDocuments(encoder.directory(), overlap);
                TokenWindows windows = new TokenWindows(encoder.directory())) {
            List<Chunk> chunks = chunker.chunk(text);
            assertThat(chunks).hasSizeGreaterThan(3);
            int[] lengths = rowLengths(encoder, chunks);
            int max = encoder.config().maxSeqLength();
            for (int i = 0; i < chunks.size(); i++) {
                assertThat(lengths[i]).isLessThanOrEqualTo(max);
                // All the chunk's own tokens made it: nothing was cut off.
                assertThat(lengths[i])
                        .isEqualTo(windows.ids(chunks.get(i).text()).length + fixedTokens);
            }
            assertThat(lengths).contains(max);
        }
    }

    @Test
    void miniLmChunksFillItsWindowWithoutTruncation() {
        try (DenseEncoder minilm = DenseEncoder.open("all-MiniLM-L6-v2")) {
            assertThat(minilm.tokenBudget(Role.DOCUMENT)).isEqualTo(254);
            try (Chunker chunker = Chunker.forDocuments(minilm.directory(), 32)) {
                assertThat(chunker.maxTokens()).isEqualTo(254);
                assertThat(chunker.overlapTokens()).isEqualTo(32);
            }
            assertNoChunkIsTruncated(minilm, ChunkerTest.MIXED, 32, 2);
            assertNoChunkIsTruncated(minilm, ChunkerTest.SINGLE_PIECE_WORDS, 32, 2);
        }
    }

    @Test
    void chunkingForAModelOpensNoOnnxSession() {
        int before = SharedSessions.openSessions();
        try (Chunker chunker = Chunker.forDocuments(ModelLocator.resolve("all-MiniLM-L6-v2"), 32)) {
            assertThat(SharedSessions.openSessions()).isEqualTo(before);
            assertThat(chunker.maxTokens()).isEqualTo(254);
            assertThat(chunker.chunk(ChunkerTest.MIXED)).hasSizeGreaterThan(3);
        }
    }

    @Test
    void anOverlapAsLongAsTheWindowIsCappedBelowIt() {
        try (Chunker chunker =
                Chunker.forDocuments(ModelLocator.resolve("all-MiniLM-L6-v2"), 999)) {
            assertThat(chunker.maxTokens()).isEqualTo(254);
            assertThat(chunker.overlapTokens()).isEqualTo(253);
        }
    }

    @Test
    void aDocumentPromptTakesItsTokensFromTheWindow(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(ModelLocator.resolve("bge-small-en-v1.5"), tmp.resolve("bge"));
        Files.writeString(
                dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"Represent this sentence for searching relevant"
                        + " passages: \", \"document\": \"passage: \"}}");
        try (DenseEncoder bge =
                        DenseEncoder.open(ModelDirectory.open(dir), EncoderOptions.defaults());
                TokenWindows windows = new TokenWindows(bge.directory())) {
            // "passage", ":" and [CLS], [SEP] out of 512.
            assertThat(bge.tokenBudget(Role.DOCUMENT)).isEqualTo(508);
            int queryPrompt =
                    windows.ids("Represent this sentence for searching relevant passages:").length;
            assertThat(bge.tokenBudget(Role.QUERY)).isEqualTo(510 - queryPrompt);
            // The chunker reads the same budget from the directory, without the ONNX graph.
            assertThat(TokenBudget.of(bge.directory(), Role.DOCUMENT)).isEqualTo(508);
            assertThat(TokenBudget.of(bge.directory(), Role.QUERY)).isEqualTo(510 - queryPrompt);
            assertNoChunkIsTruncated(bge, ChunkerTest.MIXED.repeat(3), 50, 4);
        }
    }
}
