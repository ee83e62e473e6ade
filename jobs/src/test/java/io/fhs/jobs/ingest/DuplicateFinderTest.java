package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.connectors.kafka.RecordOrigin;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.jobs.collection.DuplicateOf;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DuplicateFinderTest {
    static final float[] X = {1, 0, 0};
    static final float[] NEAR_X = {2, 0.2f, 0}; // cosine 0.995 with X, not of unit length
    static final float[] Y = {0, 1, 0};

    @Test
    void aChunkDuplicatesTheMostSimilarEarlierChunkOfAnotherDocument() {
        DuplicateFinder finder = new DuplicateFinder(0.95f, 100);
        List<DuplicateOf> marks =
                finder.find(
                        List.of(
                                upsert("a", 0, X),
                                upsert("a", 1, NEAR_X),
                                upsert("b", 0, Y),
                                upsert("c", 0, NEAR_X)),
                        null);
        // a#1 is a's own; c's best earlier match is a#1 (identical), over a#0.
        assertThat(marks.subList(0, 3)).containsOnlyNulls();
        assertThat(marks.get(3).docId()).isEqualTo("a");
        assertThat(marks.get(3).chunk()).isEqualTo(1);
        assertThat(marks.get(3).score()).isCloseTo(1.0f, within(1e-6f));
        // Remembered across batches: the sink may not have written them yet.
        assertThat(finder.find(List.of(upsert("d", 0, X)), null).get(0).docId()).isEqualTo("a");
    }

    @Test
    void aStoredHitCountsWhenItIsTheBetterMatch() {
        DuplicateFinder finder = new DuplicateFinder(0.95f, 100);
        finder.find(List.of(upsert("a", 0, NEAR_X)), null);
        SearchHit stored = new SearchHit("p", 0.999f, Map.of("doc_id", "s", "chunk", 3L));
        List<DuplicateOf> marks =
                finder.find(List.of(upsert("b", 0, X), upsert("c", 0, Y)), hits(stored, null));
        assertThat(marks.get(0)).isEqualTo(new DuplicateOf("s", 3, 0.999f));
        assertThat(marks.get(1)).isNull();
        SearchHit weak = new SearchHit("q", 0.5f, Map.of("doc_id", "s", "chunk", 3L));
        assertThat(finder.find(List.of(upsert("e", 0, X)), hits(weak)).get(0).docId())
                .isEqualTo("b");
    }

    @Test
    void deletedAndReplacedDocumentsAreNoOriginalsAndNeitherAreTheirOwnCopies() {
        DuplicateFinder finder = new DuplicateFinder(0.95f, 100);
        assertThat(finder.find(List.of(upsert("a", 0, X), upsert("b", 0, X)), null).get(1).docId())
                .isEqualTo("a");
        // a again, new version: b is marked a duplicate of a, so it is not a's original.
        assertThat(finder.find(List.of(upsert("a", 0, X)), null)).containsOnlyNulls();
        finder.find(List.of(deletion("a"), deletion("b")), null);
        assertThat(finder.find(List.of(upsert("c", 0, X)), null)).containsOnlyNulls();
    }

    @Test
    void itRemembersOnlyTheLastChunks() {
        DuplicateFinder finder = new DuplicateFinder(0.95f, 1);
        finder.find(List.of(upsert("a", 0, X), upsert("b", 0, Y)), null);
        assertThat(finder.find(List.of(upsert("c", 0, X)), null)).containsOnlyNulls();
        DuplicateFinder none = new DuplicateFinder(0.95f, 0);
        assertThat(none.find(List.of(upsert("a", 0, X), upsert("b", 0, X)), null))
                .containsOnlyNulls();
    }

    static List<SearchHit> hits(SearchHit... hits) {
        return Arrays.asList(hits);
    }

    static EncodedChunk upsert(String docId, int chunk, float[] dense) {
        return new EncodedChunk(
                new ChunkRecord(
                        docId,
                        ChunkRecord.Kind.UPSERT,
                        chunk,
                        2,
                        "t",
                        null,
                        "{}",
                        0L,
                        false,
                        -1,
                        RecordOrigin.UNKNOWN),
                dense,
                null,
                null);
    }

    static EncodedChunk deletion(String docId) {
        return new EncodedChunk(
                new ChunkRecord(
                        docId,
                        ChunkRecord.Kind.DELETE,
                        -1,
                        0,
                        null,
                        null,
                        null,
                        0L,
                        true,
                        -1,
                        RecordOrigin.UNKNOWN),
                null,
                null,
                null);
    }
}
