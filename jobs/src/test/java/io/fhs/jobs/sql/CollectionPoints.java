package io.fhs.jobs.sql;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.SparseValues;
import io.fhs.connectors.qdrant.StoredPoints;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Every point of a collection by id: its vectors and payload, for comparing collections. */
record CollectionPoints(Map<String, Point> byId) {

    /** A stored point: the dense vector, the sparse one by index (empty: none) and the payload. */
    record Point(float[] dense, Map<Integer, Float> sparse, Map<String, Value> payload) {}

    static CollectionPoints read(QdrantClient client, String collection) {
        Map<String, Point> out = new TreeMap<>();
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.enable(true),
                true,
                p -> out.put(p.getId().getUuid(), point(p)));
        return new CollectionPoints(out);
    }

    private static Point point(RetrievedPoint p) {
        var vectors = p.getVectors().getVectors().getVectorsMap();
        float[] dense =
                vectors.containsKey(CollectionSpec.DEFAULT_DENSE_NAME)
                        ? StoredPoints.dense(p, CollectionSpec.DEFAULT_DENSE_NAME)
                        : null;
        Map<Integer, Float> sparse = new HashMap<>();
        SparseValues s = StoredPoints.sparse(p, CollectionSpec.DEFAULT_SPARSE_NAME);
        if (s != null) {
            for (int i = 0; i < s.size(); i++) {
                sparse.put(s.indices()[i], s.values()[i]);
            }
        }
        return new Point(dense, sparse, p.getPayloadMap());
    }

    /** The point's payload as plain strings, for readable comparisons. */
    static Map<String, String> payloadText(Point p) {
        Map<String, String> out = new TreeMap<>();
        p.payload().forEach((k, v) -> out.put(k, v.toString().strip()));
        return out;
    }
}
