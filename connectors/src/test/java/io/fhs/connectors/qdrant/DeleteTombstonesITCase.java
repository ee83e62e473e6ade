package io.fhs.connectors.qdrant;

import static io.fhs.connectors.qdrant.GuardedWritesITCase.NO_CONTEXT;
import static io.fhs.connectors.qdrant.GuardedWritesITCase.document;
import static io.fhs.connectors.qdrant.GuardedWritesITCase.expected;
import static io.fhs.connectors.qdrant.GuardedWritesITCase.stored;
import static io.fhs.connectors.qdrant.GuardedWritesITCase.vector;
import static io.fhs.connectors.qdrant.GuardedWritesITCase.writer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Points;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Delete tombstones on the real server: a delete of version 3 keeps the document deleted against a
 * later upsert of version 2 (more chunks than the tombstone's one), from a writer that never saw
 * the delete; version 4 brings it back; the tombstone has no vectors, so no search finds it, and
 * counting and scrolling through {@link Tombstones#live} and {@link StoredPoints} skip it.
 */
class DeleteTombstonesITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();

    static QdrantClient client;

    @BeforeAll
    static void connect() {
        client = QDRANT.connection().open();
        GuardedWritesITCase.client = client;
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void aDeleteOutlivesAnOlderUpsertAndANewerOneRevivesTheDocument() throws Exception {
        String c = "tombstones";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        write(c, true, document("doc", 1));
        write(c, true, document("other", 2));
        write(c, true, List.of(QdrantWrite.deleteDocument("doc").withVersion(3)));
        assertThat(raw(c).get("doc")).containsExactly(new Raw(0, 3, true, false));

        // Version 2 has 3 chunks: chunk 0 meets the tombstone, chunks 1 and 2 are inserted and
        // then removed by the guarded upsert's cleanup.
        write(c, true, document("doc", 2));
        assertThat(raw(c).get("doc")).containsExactly(new Raw(0, 3, true, false));
        assertThat(stored(c).keySet()).containsExactly("other");
        assertThat(Tombstones.countLive(client, c)).isEqualTo(GuardedWritesITCase.CHUNKS[2]);
        assertThat(TestPoints.count(client, c)).isEqualTo(GuardedWritesITCase.CHUNKS[2] + 1);
        assertThat(liveScroll(c)).containsOnly("other");
        assertThat(searchDocs(c, "doc")).doesNotContain("doc").contains("other");

        // A payload update of version 2 or 5 leaves the tombstone as it is.
        write(
                c,
                true,
                List.of(QdrantWrite.setPayload("doc", "{\"title\": \"late\"}").withVersion(5)));
        assertThat(raw(c).get("doc")).containsExactly(new Raw(0, 3, true, false));

        write(c, true, document("doc", 4));
        assertThat(raw(c).get("doc"))
                .containsExactly(new Raw(0, 4, false, true), new Raw(1, 4, false, true));
        assertThat(stored(c).get("doc")).containsExactlyElementsOf(expected("doc", 4));
        assertThat(searchDocs(c, "doc")).contains("doc");
    }

    @Test
    void aDeleteOlderThanTheStoredVersionLeavesNoTombstone() throws Exception {
        String c = "tombstones_older_delete";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        write(c, true, document("kept", 3));
        write(c, true, List.of(QdrantWrite.deleteDocument("kept").withVersion(2)));
        assertThat(stored(c).get("kept")).containsExactlyElementsOf(expected("kept", 3));
        assertThat(Tombstones.countLive(client, c)).isEqualTo(TestPoints.count(client, c));
    }

    @Test
    void withoutTombstonesAnOlderUpsertComesBack() throws Exception {
        String c = "tombstones_off";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        write(c, false, document("doc", 1));
        write(c, false, List.of(QdrantWrite.deleteDocument("doc").withVersion(3)));
        assertThat(raw(c)).isEmpty();
        write(c, false, document("doc", 2));
        assertThat(stored(c).get("doc")).containsExactlyElementsOf(expected("doc", 2));
    }

    @Test
    void purgeRemovesTombstonesWrittenBeforeAGivenTime() throws Exception {
        String c = "tombstones_purge";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        write(c, true, document("a", 1));
        write(c, true, List.of(QdrantWrite.deleteDocument("a").withVersion(2)));
        write(c, true, List.of(QdrantWrite.deleteDocument("b").withVersion(7)));
        assertThat(raw(c)).containsOnlyKeys("a", "b");

        assertThat(Tombstones.purge(client, c, Instant.now().minusSeconds(3600))).isZero();
        assertThat(raw(c)).containsOnlyKeys("a", "b");
        assertThat(Tombstones.purge(client, c, Instant.now().plusSeconds(1))).isEqualTo(2);
        assertThat(raw(c)).isEmpty();
    }

    static void write(String collection, boolean tombstones, List<QdrantWrite> writes)
            throws Exception {
        try (QdrantSinkWriter<QdrantWrite> writer =
                writer(QDRANT.connection(), collection, tombstones)) {
            for (QdrantWrite w : writes) {
                writer.write(w, NO_CONTEXT);
            }
            writer.flush(true);
        }
    }

    /** A stored point as the server has it: chunk, version, tombstone flag, vectors present. */
    record Raw(int chunk, long version, boolean deleted, boolean hasVectors) {}

    /** Every point, tombstones included, per document in chunk order. */
    static Map<String, List<Raw>> raw(String collection) {
        Points.ScrollResponse scroll =
                QdrantCalls.call(
                        "test scroll",
                        () ->
                                client.scrollAsync(
                                        Points.ScrollPoints.newBuilder()
                                                .setCollectionName(collection)
                                                .setLimit(10_000)
                                                .setWithPayload(
                                                        WithPayloadSelectorFactory.enable(true))
                                                .setWithVectors(
                                                        WithVectorsSelectorFactory.enable(true))
                                                .build()));
        Map<String, TreeMap<Integer, Raw>> byDoc = new TreeMap<>();
        for (Points.RetrievedPoint p : scroll.getResultList()) {
            Map<String, Object> payload = QdrantSearcher.payload(p.getPayloadMap());
            int chunk = ((Number) payload.get(CollectionBootstrap.CHUNK)).intValue();
            Raw raw =
                    new Raw(
                            chunk,
                            ((Number) payload.get(CollectionBootstrap.VERSION)).longValue(),
                            Boolean.TRUE.equals(payload.get(Tombstones.DELETED)),
                            p.getVectors().getVectors().getVectorsCount() > 0);
            byDoc.computeIfAbsent(
                            (String) payload.get(CollectionBootstrap.DOC_ID), k -> new TreeMap<>())
                    .put(chunk, raw);
        }
        Map<String, List<Raw>> out = new TreeMap<>();
        byDoc.forEach((doc, chunks) -> out.put(doc, List.copyOf(chunks.values())));
        return out;
    }

    static List<String> liveScroll(String collection) {
        List<String> docs = new ArrayList<>();
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.enable(true),
                true,
                p -> docs.add(p.getPayloadMap().get(CollectionBootstrap.DOC_ID).getStringValue()));
        return docs;
    }

    /** The documents a dense and a sparse search near {@code docId}'s chunk 0 find. */
    static List<String> searchDocs(String collection, String docId) throws Exception {
        List<String> docs = new ArrayList<>();
        try (QdrantSearcher searcher =
                QdrantSearcher.open(
                        QDRANT.connection(),
                        CollectionSpec.hybrid(collection, TestPoints.DIM, false))) {
            for (SearchRequest request :
                    List.of(
                            SearchRequest.dense(vector(docId, 0, 4), 50),
                            SearchRequest.sparse(
                                    new SparseValues(new int[] {0, 102}, new float[] {1f, 1f}),
                                    50))) {
                searcher.search(request).get().forEach(hit -> docs.add(hit.docId()));
            }
        }
        return docs;
    }
}
