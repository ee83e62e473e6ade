package io.fhs.connectors.qdrant;

import static io.qdrant.client.ConditionFactory.filter;
import static io.qdrant.client.ConditionFactory.isEmpty;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.range;

import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The filters of guarded writes: a write of version v of a document may replace or delete only the
 * document's stored points of version v or older (or without a version). Qdrant evaluates them on
 * the stored point, so a replay, a second writer or a reindex cannot roll a document back, with or
 * without the job's keyed state.
 *
 * <p>Qdrant inserts a point that does not exist whatever the upsert's filter says, so an old
 * version's chunk beyond a newer version's chunk count would reappear; {@link #newerDocuments} and
 * {@link #staleOf} find and remove those after each guarded upsert.
 */
@Internal
final class VersionGuard {
    private VersionGuard() {}

    /** The version of each versioned document among {@code writes} (one per document). */
    static Map<String, Long> versions(List<QdrantWrite> writes) {
        Map<String, Long> versions = new LinkedHashMap<>();
        for (QdrantWrite w : writes) {
            if (w.hasVersion()) {
                versions.put(w.docId(), w.version());
            }
        }
        return versions;
    }

    /** Stored points that a write of {@code version} may replace: no version, or not newer. */
    static Common.Condition notNewerThan(long version) {
        return filter(
                Common.Filter.newBuilder()
                        .addShould(isEmpty(CollectionBootstrap.VERSION))
                        .addShould(
                                range(
                                        CollectionBootstrap.VERSION,
                                        Common.Range.newBuilder().setLte(version).build()))
                        .build());
    }

    /**
     * An upsert's update filter: a stored point is replaced when its document is written without a
     * version, or with a version at least its own; null when no write carries a version.
     */
    static Common.Filter updateFilter(List<QdrantWrite> writes) {
        Map<String, Long> versions = versions(writes);
        if (versions.isEmpty()) {
            return null;
        }
        Common.Filter.Builder f = Common.Filter.newBuilder();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (QdrantWrite w : writes) {
            if (seen.put(w.docId(), Boolean.TRUE) != null) {
                continue;
            }
            Long v = versions.get(w.docId());
            f.addShould(
                    v == null
                            ? matchKeyword(CollectionBootstrap.DOC_ID, w.docId())
                            : filter(
                                    Common.Filter.newBuilder()
                                            .addMust(
                                                    matchKeyword(
                                                            CollectionBootstrap.DOC_ID, w.docId()))
                                            .addMust(notNewerThan(v))
                                            .build()));
        }
        return f.build();
    }

    /**
     * Counts, per document of {@code versions}, its stored points newer than the version written.
     */
    static Points.FacetCounts newerDocuments(String collection, Map<String, Long> versions) {
        Common.Filter.Builder f = Common.Filter.newBuilder();
        versions.forEach(
                (docId, v) ->
                        f.addShould(
                                filter(
                                        Common.Filter.newBuilder()
                                                .addMust(
                                                        matchKeyword(
                                                                CollectionBootstrap.DOC_ID, docId))
                                                .addMust(
                                                        range(
                                                                CollectionBootstrap.VERSION,
                                                                Common.Range.newBuilder()
                                                                        .setGt(v)
                                                                        .build()))
                                                .build())));
        return Points.FacetCounts.newBuilder()
                .setCollectionName(collection)
                .setKey(CollectionBootstrap.DOC_ID)
                .setFilter(f)
                .setLimit(versions.size())
                .setExact(true)
                .build();
    }

    /**
     * Deletes, of the documents in {@code newer} (which have a newer version stored), the points of
     * the version written or older: chunks an old version inserted where the newer one has none.
     */
    static Points.DeletePoints staleOf(
            String collection, Map<String, Long> versions, List<String> newer) {
        Common.Filter.Builder f = Common.Filter.newBuilder();
        for (String docId : newer) {
            f.addShould(
                    filter(
                            Common.Filter.newBuilder()
                                    .addMust(matchKeyword(CollectionBootstrap.DOC_ID, docId))
                                    .addMust(notNewerThan(versions.get(docId)))
                                    .build()));
        }
        return Points.DeletePoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .setPoints(Points.PointsSelector.newBuilder().setFilter(f))
                .build();
    }
}
