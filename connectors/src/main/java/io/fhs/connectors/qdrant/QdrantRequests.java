package io.fhs.connectors.qdrant;

import static io.qdrant.client.ConditionFactory.matchKeyword;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * Turns buffered {@link QdrantWrite}s into Qdrant requests. Consecutive upserts share one request;
 * each delete is its own, so the order of writes to the same document is kept.
 */
@Internal
final class QdrantRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QdrantRequests() {}

    /**
     * A run of writes that one request carries.
     *
     * @param repeated this single write is being sent a second time after a refusal
     */
    record Segment(List<QdrantWrite> writes, boolean upsert, boolean repeated) {
        Segment(List<QdrantWrite> writes, boolean upsert) {
            this(writes, upsert, false);
        }

        /** The two halves of a segment of two or more writes, in order. */
        List<Segment> halves() {
            int mid = writes.size() / 2;
            return List.of(
                    new Segment(writes.subList(0, mid), upsert),
                    new Segment(writes.subList(mid, writes.size()), upsert));
        }

        Segment repeat() {
            return new Segment(writes, upsert, true);
        }
    }

    static List<Segment> segments(List<QdrantWrite> writes) {
        List<Segment> segments = new ArrayList<>();
        List<QdrantWrite> run = new ArrayList<>();
        Map<String, Long> runVersions = new HashMap<>();
        for (QdrantWrite w : writes) {
            if (w.kind() == QdrantWrite.Kind.UPSERT) {
                // A guarded request compares one version per document: a second version of a
                // document starts a new request.
                Long before = runVersions.put(w.docId(), w.version());
                if (before != null && before != w.version()) {
                    segments.add(new Segment(run, true));
                    run = new ArrayList<>();
                    runVersions.clear();
                    runVersions.put(w.docId(), w.version());
                }
                run.add(w);
            } else {
                if (!run.isEmpty()) {
                    segments.add(new Segment(run, true));
                    run = new ArrayList<>();
                    runVersions.clear();
                }
                segments.add(new Segment(List.of(w), false));
            }
        }
        if (!run.isEmpty()) {
            segments.add(new Segment(run, true));
        }
        return segments;
    }

    static Points.UpsertPoints upsert(
            String collection, String denseName, String sparseName, List<QdrantWrite> writes) {
        return upsert(collection, denseName, sparseName, writes, false);
    }

    /**
     * The upsert of {@code writes}; {@code guarded}: points of a newer stored version are left as
     * they are (see {@link VersionGuard}).
     */
    static Points.UpsertPoints upsert(
            String collection,
            String denseName,
            String sparseName,
            List<QdrantWrite> writes,
            boolean guarded) {
        return upsert(collection, denseName, sparseName, writes, guarded, 0);
    }

    /**
     * As {@link #upsert(String, String, String, List, boolean)}, each dense vector's first {@code
     * prefixDimension} values also stored, normalized, as {@link MatryoshkaPrefix#VECTOR_NAME} (0:
     * not).
     */
    static Points.UpsertPoints upsert(
            String collection,
            String denseName,
            String sparseName,
            List<QdrantWrite> writes,
            boolean guarded,
            int prefixDimension) {
        // A batch may carry the same point twice (a replayed chunk); the last write wins, as it
        // would with two requests.
        Map<String, Points.PointStruct> points = new LinkedHashMap<>();
        for (QdrantWrite w : writes) {
            Map<String, Points.Vector> vectors = new HashMap<>(2);
            if (w.dense() != null) {
                vectors.put(denseName, VectorFactory.vector(w.dense()));
                if (prefixDimension > 0) {
                    vectors.put(
                            MatryoshkaPrefix.VECTOR_NAME,
                            VectorFactory.vector(MatryoshkaPrefix.of(w.dense(), prefixDimension)));
                }
            }
            if (w.sparseIndices() != null) {
                List<Float> values = new ArrayList<>(w.sparseValues().length);
                List<Integer> indices = new ArrayList<>(w.sparseIndices().length);
                for (int i = 0; i < w.sparseIndices().length; i++) {
                    indices.add(w.sparseIndices()[i]);
                    values.add(w.sparseValues()[i]);
                }
                vectors.put(sparseName, VectorFactory.vector(values, indices));
            }
            Map<String, Value> payload = payload(w.payloadJson());
            payload.put(CollectionBootstrap.DOC_ID, ValueFactory.value(w.docId()));
            payload.put(CollectionBootstrap.CHUNK, ValueFactory.value((long) w.chunk()));
            if (w.hasVersion()) {
                payload.put(CollectionBootstrap.VERSION, ValueFactory.value(w.version()));
            }
            points.remove(w.pointId().toString());
            points.put(
                    w.pointId().toString(),
                    Points.PointStruct.newBuilder()
                            .setId(PointIdFactory.id(w.pointId()))
                            .setVectors(VectorsFactory.namedVectors(vectors))
                            .putAllPayload(payload)
                            .build());
        }
        Points.UpsertPoints.Builder request =
                Points.UpsertPoints.newBuilder()
                        .setCollectionName(collection)
                        .setWait(true)
                        .addAllPoints(points.values());
        Common.Filter guard = guarded ? VersionGuard.updateFilter(writes) : null;
        if (guard != null) {
            request.setUpdateFilter(guard);
        }
        return request.build();
    }

    static Points.SetPayloadPoints setPayload(String collection, QdrantWrite w) {
        return setPayload(collection, w, false);
    }

    static Points.SetPayloadPoints setPayload(String collection, QdrantWrite w, boolean guarded) {
        Map<String, Value> payload = payload(w.payloadJson());
        if (w.hasVersion()) {
            payload.put(CollectionBootstrap.VERSION, ValueFactory.value(w.version()));
        }
        return Points.SetPayloadPoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .putAllPayload(payload)
                .setPointsSelector(
                        Points.PointsSelector.newBuilder()
                                .setFilter(
                                        // A tombstone stays one: no version may set its payload.
                                        guarded
                                                ? documentFilter(w, true)
                                                        .addMustNot(Tombstones.isTombstone())
                                                : documentFilter(w, false)))
                .build();
    }

    /** The points of {@code w}'s document; {@code guarded}: those not newer than {@code w}. */
    private static Common.Filter.Builder documentFilter(QdrantWrite w, boolean guarded) {
        Common.Filter.Builder filter =
                Common.Filter.newBuilder()
                        .addMust(matchKeyword(CollectionBootstrap.DOC_ID, w.docId()));
        if (guarded && w.hasVersion()) {
            filter.addMust(VersionGuard.notNewerThan(w.version()));
        }
        return filter;
    }

    static Points.DeletePoints delete(String collection, QdrantWrite w) {
        return delete(collection, w, false);
    }

    static Points.DeletePoints delete(String collection, QdrantWrite w, boolean guarded) {
        Common.Filter.Builder filter = documentFilter(w, guarded);
        if (w.chunk() > 0) {
            filter.addMust(
                    Common.Condition.newBuilder()
                            .setField(
                                    Common.FieldCondition.newBuilder()
                                            .setKey(CollectionBootstrap.CHUNK)
                                            .setRange(
                                                    Common.Range.newBuilder().setGte(w.chunk()))));
        }
        return Points.DeletePoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .setPoints(Points.PointsSelector.newBuilder().setFilter(filter))
                .build();
    }

    static Map<String, Value> payload(String json) {
        Map<String, Value> out = new HashMap<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (!node.isObject()) {
                throw new IllegalArgumentException(
                        "A point payload must be a JSON object, got " + json);
            }
            node.properties().forEach(e -> out.put(e.getKey(), value(e.getValue())));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Invalid payload JSON", e);
        }
    }

    static Value value(JsonNode node) {
        if (node.isTextual()) {
            return ValueFactory.value(node.textValue());
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            return ValueFactory.value(node.longValue());
        } else if (node.isNumber()) {
            // Integers beyond 64 bits too: Qdrant has no wider integer, and wrapping would lie.
            return ValueFactory.value(node.doubleValue());
        } else if (node.isBoolean()) {
            return ValueFactory.value(node.booleanValue());
        } else if (node.isArray()) {
            List<Value> list = new ArrayList<>(node.size());
            node.forEach(n -> list.add(value(n)));
            return ValueFactory.list(list);
        } else if (node.isObject()) {
            Map<String, Value> map = new HashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), value(e.getValue())));
            return ValueFactory.value(map);
        }
        return ValueFactory.nullValue();
    }
}
