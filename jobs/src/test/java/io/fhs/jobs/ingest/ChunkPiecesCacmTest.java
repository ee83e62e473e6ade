package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.kafka.RecordOrigin;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.TokenizedBatch;
import io.fhs.operators.model.Role;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * On all of CACM, the word pieces the chunk step hands the encoder (title + chunk, as the job
 * encodes them) give the very rows tokenizing the encode texts gives, and so the same vectors, for
 * a model that lower-cases (bge-small-en-v1.5) and one that does not (all-MiniLM-L6-v2).
 */
class ChunkPiecesCacmTest {

    record Inputs(List<String> texts, List<int[]> pieces) {}

    static Inputs cacmInputs(DenseEncoder encoder) {
        List<String> texts = new ArrayList<>();
        List<int[]> pieces = new ArrayList<>();
        try (Chunker chunker = Chunker.forDocuments(encoder.directory(), 32)) {
            for (TextRecord doc : JsonLines.read(TestData.cacmCorpus())) {
                for (Chunk c : chunker.chunk(doc.text())) {
                    texts.add(ChunkFunction.encodeText(doc.title(), c.text()));
                    pieces.add(ChunkFunction.encodePieces(chunker, doc.title(), c));
                }
            }
        }
        return new Inputs(texts, pieces);
    }

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

    static void assertPiecesGiveTheTextsRowsAndVectors(String model) {
        try (DenseEncoder encoder = DenseEncoder.open(model)) {
            Inputs in = cacmInputs(encoder);
            assertThat(in.texts()).hasSizeGreaterThan(3_204);
            // Every CACM chunk starts and ends on a word: none has to be tokenized again.
            assertThat(in.pieces()).allMatch(Objects::nonNull);
            int n = in.texts().size();
            long[][] fromText = rows(encoder.tokenize(in.texts(), Role.DOCUMENT), n);
            long[][] fromPieces = rows(encoder.tokenize(in.texts(), in.pieces(), Role.DOCUMENT), n);
            for (int i = 0; i < n; i++) {
                assertThat(fromPieces[i]).as("chunk %s", in.texts().get(i)).isEqualTo(fromText[i]);
            }
            // Vectors of a spread sample, longest chunk included, both ways.
            List<String> texts = new ArrayList<>();
            List<int[]> pieces = new ArrayList<>();
            int longest = 0;
            for (int i = 0; i < n; i++) {
                longest = fromText[i].length > fromText[longest].length ? i : longest;
                if (i % 64 == 0) {
                    texts.add(in.texts().get(i));
                    pieces.add(in.pieces().get(i));
                }
            }
            texts.add(in.texts().get(longest));
            pieces.add(in.pieces().get(longest));
            float[][] expected = encoder.encode(texts, Role.DOCUMENT);
            float[][] actual = encoder.encode(texts, pieces, Role.DOCUMENT);
            for (int i = 0; i < expected.length; i++) {
                for (int d = 0; d < expected[i].length; d++) {
                    assertThat((double) actual[i][d])
                            .isCloseTo(expected[i][d], Offset.offset(1e-6));
                }
            }
        }
    }

    @Test
    void miniLmPiecesEqualTheTextPathOnAllOfCacm() {
        assertPiecesGiveTheTextsRowsAndVectors("all-MiniLM-L6-v2");
    }

    @Test
    void bgePiecesEqualTheTextPathOnAllOfCacm() {
        assertPiecesGiveTheTextsRowsAndVectors("bge-small-en-v1.5");
    }

    @Test
    void aChunkRecordWithPiecesIsAPojoAndRoundTrips() throws Exception {
        TypeInformation<ChunkRecord> type = TypeInformation.of(ChunkRecord.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<ChunkRecord> serializer = type.createSerializer(new SerializerConfigImpl());
        ChunkRecord record =
                new ChunkRecord(
                        "doc",
                        ChunkRecord.Kind.UPSERT,
                        1,
                        2,
                        "Title text",
                        new int[] {2516, 3793},
                        "Title text",
                        "{}",
                        7L,
                        false,
                        3L,
                        new RecordOrigin("documents", 0, 42L, 7L));
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(record, out);
        ChunkRecord back =
                serializer.deserialize(
                        new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(back.encodePieces()).containsExactly(2516, 3793);
        assertThat(back.withoutPieces()).isEqualTo(record.withoutPieces());
        assertThat(record.withoutPieces().encodePieces()).isNull();
    }
}
