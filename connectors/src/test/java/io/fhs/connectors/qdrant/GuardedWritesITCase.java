package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Points;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two sink writers on the real server, each with no knowledge of the other, write versions of the
 * same documents in opposite orders (one oldest first, one newest first, as a replay or reindex
 * would): the documents end at their newest version, chunk for chunk, with no older chunk left,
 * however the versions' chunk counts shrink and grow, and an older delete removes nothing newer.
 */
class GuardedWritesITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();

    // Chunk counts of versions 1 to 4: the newest is the shortest, so older tails must go.
    static final int[] CHUNKS = {0, 5, 3, 6, 2};
    static final int DOCS = 12;

    static QdrantClient client;

    @BeforeAll
    static void connect() {
        client = QDRANT.connection().open();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void aConditionalUpsertInsertsMissingPointsAndSkipsNewerOnes() throws Exception {
        String c = "guarded_basics";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        upsert(c, List.of(version("a", 0, 5), version("b", 0, 5)));
        upsert(c, List.of(version("a", 0, 3), version("b", 0, 7), version("n", 0, 1)));

        Map<String, List<Stored>> stored = stored(c);
        assertThat(stored.get("a")).containsExactly(new Stored(0, 5, vector("a", 0, 5)));
        assertThat(stored.get("b")).containsExactly(new Stored(0, 7, vector("b", 0, 7)));
        assertThat(stored.get("n")).containsExactly(new Stored(0, 1, vector("n", 0, 1)));
    }

    @Test
    void twoWritersInterleavingVersionsLeaveTheNewestEverywhere() throws Exception {
        String c = "guarded_writers";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        CompletableFuture<Void> ascending =
                CompletableFuture.runAsync(() -> writeVersions(c, new int[] {1, 2, 3, 4}));
        CompletableFuture<Void> descending =
                CompletableFuture.runAsync(() -> writeVersions(c, new int[] {4, 3, 2, 1}));
        CompletableFuture.allOf(ascending, descending).get(5, TimeUnit.MINUTES);

        Map<String, List<Stored>> stored = stored(c);
        assertThat(stored).hasSize(DOCS);
        for (int d = 0; d < DOCS; d++) {
            assertThat(stored.get("doc-" + d)).containsExactlyElementsOf(expected("doc-" + d, 4));
        }
    }

    @Test
    void anOlderDeleteKeepsTheNewerVersionAndANewerDeleteRemovesAll() throws Exception {
        String c = "guarded_deletes";
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid(c, TestPoints.DIM, false));
        write(c, document("kept", 3));
        write(c, List.of(QdrantWrite.deleteDocument("kept").withVersion(2)));
        write(c, List.of(QdrantWrite.deleteChunksFrom("kept", 1).withVersion(1)));
        write(c, document("gone", 2));
        write(c, List.of(QdrantWrite.deleteDocument("gone").withVersion(5)));

        Map<String, List<Stored>> stored = stored(c);
        assertThat(stored.keySet()).containsExactly("kept");
        assertThat(stored.get("kept")).containsExactlyElementsOf(expected("kept", 3));
    }

    /**
     * Every document's versions in {@code order}, one flush per version, on a writer of its own.
     */
    static void writeVersions(String collection, int[] order) {
        try (QdrantSinkWriter<QdrantWrite> writer = writer(collection)) {
            for (int v : order) {
                for (int d = 0; d < DOCS; d++) {
                    for (QdrantWrite w : document("doc-" + d, v)) {
                        writer.write(w, NO_CONTEXT);
                    }
                }
                writer.flush(true);
            }
        } catch (Exception e) {
            throw new AssertionError("Writing versions " + Arrays.toString(order), e);
        }
    }

    /** Version {@code v}'s chunks, then the deletion of any chunk beyond them, as the job sends. */
    static List<QdrantWrite> document(String docId, int v) {
        List<QdrantWrite> writes = new ArrayList<>();
        for (int chunk = 0; chunk < CHUNKS[v]; chunk++) {
            writes.add(version(docId, chunk, v));
        }
        writes.add(QdrantWrite.deleteChunksFrom(docId, CHUNKS[v]).withVersion(v));
        return writes;
    }

    static QdrantWrite version(String docId, int chunk, long v) {
        return QdrantWrite.upsert(
                        docId,
                        chunk,
                        vector(docId, chunk, v),
                        new int[] {chunk, 100 + (int) v},
                        new float[] {1f, 0.5f},
                        "{\"title\": \"" + docId + " v" + v + "\"}")
                .withVersion(v);
    }

    static float[] vector(String docId, int chunk, long v) {
        return TestPoints.normalized(TestPoints.dense(docId + "@" + v, chunk));
    }

    static List<Stored> expected(String docId, int v) {
        List<Stored> out = new ArrayList<>();
        for (int chunk = 0; chunk < CHUNKS[v]; chunk++) {
            out.add(new Stored(chunk, v, vector(docId, chunk, v)));
        }
        return out;
    }

    static void write(String collection, List<QdrantWrite> writes) throws Exception {
        try (QdrantSinkWriter<QdrantWrite> writer = writer(collection)) {
            for (QdrantWrite w : writes) {
                writer.write(w, NO_CONTEXT);
            }
            writer.flush(true);
        }
    }

    static void upsert(String collection, List<QdrantWrite> writes) {
        QdrantCalls.call(
                "test upsert",
                () ->
                        client.upsertAsync(
                                QdrantRequests.upsert(
                                        collection, "dense", "sparse", writes, true)));
    }

    static QdrantSinkWriter<QdrantWrite> writer(String collection) {
        return writer(collection, false);
    }

    static QdrantSinkWriter<QdrantWrite> writer(String collection, boolean tombstones) {
        return writer(QDRANT.connection(), collection, tombstones);
    }

    /** A guarded writer; {@code tombstones}: whole-document deletes leave a tombstone. */
    static QdrantSinkWriter<QdrantWrite> writer(
            QdrantConnection connection, String collection, boolean tombstones) {
        AsyncSinkWriterConfiguration config =
                AsyncSinkWriterConfiguration.builder()
                        .setMaxBatchSize(40)
                        .setMaxBatchSizeInBytes(QdrantSinkBuilder.DEFAULT_MAX_BATCH_SIZE_IN_BYTES)
                        .setMaxInFlightRequests(1)
                        .setMaxBufferedRequests(1000)
                        .setMaxTimeInBufferMS(60_000)
                        .setMaxRecordSizeInBytes(QdrantSinkBuilder.DEFAULT_MAX_RECORD_SIZE_IN_BYTES)
                        .build();
        return new QdrantSinkWriter<>(
                QdrantSinkBuilder.identity(),
                new TestWriterContext(),
                config,
                List.of(),
                QdrantWriteClient.grpc(connection),
                collection,
                CollectionSpec.DEFAULT_DENSE_NAME,
                CollectionSpec.DEFAULT_SPARSE_NAME,
                RetryPolicy.DEFAULT,
                null,
                true,
                tombstones);
    }

    /** A stored point: chunk number, version payload and dense vector. */
    record Stored(int chunk, long version, List<Float> dense) {
        Stored(int chunk, long version, float[] dense) {
            this(chunk, version, rounded(dense));
        }

        static List<Float> rounded(float[] v) {
            List<Float> out = new ArrayList<>(v.length);
            for (float x : v) {
                out.add(Math.round(x * 1e4f) / 1e4f);
            }
            return out;
        }
    }

    /** Every point of the collection but tombstones, per document, in chunk order. */
    static Map<String, List<Stored>> stored(String collection) {
        Points.ScrollResponse scroll =
                QdrantCalls.call(
                        "test scroll",
                        () ->
                                client.scrollAsync(
                                        Points.ScrollPoints.newBuilder()
                                                .setCollectionName(collection)
                                                .setLimit(10_000)
                                                .setFilter(Tombstones.live())
                                                .setWithPayload(
                                                        WithPayloadSelectorFactory.enable(true))
                                                .setWithVectors(
                                                        WithVectorsSelectorFactory.enable(true))
                                                .build()));
        Map<String, TreeMap<Integer, Stored>> byDoc = new TreeMap<>();
        for (Points.RetrievedPoint p : scroll.getResultList()) {
            Map<String, Object> payload = QdrantSearcher.payload(p.getPayloadMap());
            int chunk = ((Number) payload.get(CollectionBootstrap.CHUNK)).intValue();
            long version = ((Number) payload.get(CollectionBootstrap.VERSION)).longValue();
            byDoc.computeIfAbsent(
                            (String) payload.get(CollectionBootstrap.DOC_ID), k -> new TreeMap<>())
                    .put(chunk, new Stored(chunk, version, StoredPoints.dense(p, "dense")));
        }
        Map<String, List<Stored>> out = new TreeMap<>();
        byDoc.forEach((doc, chunks) -> out.put(doc, List.copyOf(chunks.values())));
        return out;
    }

    static final SinkWriter.Context NO_CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return 0;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };
}
