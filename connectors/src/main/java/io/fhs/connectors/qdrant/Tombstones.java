package io.fhs.connectors.qdrant;

import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.range;

import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Delete tombstones: with them, a guarded delete of version v of a document leaves one point
 * without vectors, at the id of the document's chunk 0, with payload {@code {doc_id, chunk: 0,
 * version: v, deleted: true, deleted_at}}. An older version's upsert arriving later (a second
 * writer, a replay) then finds a newer stored version, as it would for a live document: the update
 * filter keeps it off chunk 0 and the guarded upsert's cleanup deletes the other chunks it
 * inserted. A newer version replaces the tombstone like any older point.
 *
 * <p>A point without vectors never matches a vector search; what counts or reads whole collections
 * filters with {@link #live()}. {@link #purge} removes tombstones older than a time, after which an
 * older upsert could again resurrect those documents.
 */
@PublicEvolving
public final class Tombstones {
    /** The payload flag of a tombstone. */
    public static final String DELETED = "deleted";

    /** When the tombstone was written, epoch milliseconds: what {@link #purge} compares. */
    public static final String DELETED_AT = "deleted_at";

    private Tombstones() {}

    /** A filter on the points that are not tombstones (all points of a collection without any). */
    public static Common.Filter live() {
        return Common.Filter.newBuilder().addMustNot(isTombstone()).build();
    }

    /** The condition a tombstone meets. */
    static Common.Condition isTombstone() {
        return match(DELETED, true);
    }

    /** The number of points that are not tombstones, counted exactly. */
    public static long countLive(QdrantClient client, String collection) {
        return QdrantCalls.call(
                "counting " + collection, () -> client.countAsync(collection, live(), true));
    }

    /** The number of tombstones, counted exactly. */
    public static long count(QdrantClient client, String collection) {
        Common.Filter tombstones = Common.Filter.newBuilder().addMust(isTombstone()).build();
        return QdrantCalls.call(
                "counting tombstones of " + collection,
                () -> client.countAsync(collection, tombstones, true));
    }

    /**
     * Deletes the tombstones of {@code collection} written before {@code before}; returns the
     * number it deleted.
     */
    public static long purge(QdrantClient client, String collection, Instant before) {
        Common.Filter older =
                Common.Filter.newBuilder()
                        .addMust(isTombstone())
                        .addMust(
                                range(
                                        DELETED_AT,
                                        Common.Range.newBuilder()
                                                .setLt(before.toEpochMilli())
                                                .build()))
                        .build();
        long count =
                QdrantCalls.call(
                        "counting tombstones of " + collection,
                        () -> client.countAsync(collection, older, true));
        if (count > 0) {
            QdrantCalls.call(
                    "purging tombstones of " + collection,
                    () ->
                            client.deleteAsync(
                                    Points.DeletePoints.newBuilder()
                                            .setCollectionName(collection)
                                            .setWait(true)
                                            .setPoints(
                                                    Points.PointsSelector.newBuilder()
                                                            .setFilter(older))
                                            .build()));
        }
        return count;
    }

    /**
     * The tombstone upsert of a versioned full-document delete: only where the stored chunk 0 is
     * not newer (see {@link VersionGuard#updateFilter}).
     */
    static Points.UpsertPoints upsert(String collection, QdrantWrite delete, long nowMillis) {
        Points.PointStruct point =
                Points.PointStruct.newBuilder()
                        .setId(PointIdFactory.id(PointIds.of(delete.docId(), 0)))
                        .setVectors(VectorsFactory.namedVectors(Map.of()))
                        .putPayload(CollectionBootstrap.DOC_ID, ValueFactory.value(delete.docId()))
                        .putPayload(CollectionBootstrap.CHUNK, ValueFactory.value(0L))
                        .putPayload(
                                CollectionBootstrap.VERSION, ValueFactory.value(delete.version()))
                        .putPayload(DELETED, ValueFactory.value(true))
                        .putPayload(DELETED_AT, ValueFactory.value(nowMillis))
                        .build();
        return Points.UpsertPoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .addPoints(point)
                .setUpdateFilter(VersionGuard.updateFilter(List.of(delete)))
                .build();
    }

    /** Whether a write leaves a tombstone when tombstones are on: a versioned full delete. */
    static boolean leavesTombstone(QdrantWrite w) {
        return w.kind() == QdrantWrite.Kind.DELETE_DOCUMENT && w.chunk() == 0 && w.hasVersion();
    }
}
