package io.fhs.connectors.qdrant;

import io.fhs.connectors.testing.Poll;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic synthetic points for the connector tests. */
final class TestPoints {
    static final int DIM = 8;

    private TestPoints() {}

    static float[] dense(String docId, int chunk) {
        Random r = new Random((docId + "#" + chunk).hashCode());
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** What Qdrant stores for {@link #dense} in a cosine collection: the vector normalized. */
    static float[] normalized(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }

    static QdrantWrite upsert(String docId, int chunk) {
        int base = Math.abs(docId.hashCode() % 1000);
        return QdrantWrite.upsert(
                docId,
                chunk,
                dense(docId, chunk),
                new int[] {base, base + 1 + chunk},
                new float[] {1f, 0.5f},
                "{\"title\": \"" + docId + "\", \"n\": " + chunk + "}");
    }

    /** {@code docs} documents of {@code chunks} chunks each, documents interleaved. */
    static List<QdrantWrite> documents(int docs, int chunks, String prefix) {
        List<QdrantWrite> writes = new ArrayList<>(docs * chunks);
        for (int c = 0; c < chunks; c++) {
            for (int d = 0; d < docs; d++) {
                writes.add(upsert(prefix + d, c));
            }
        }
        return writes;
    }

    static long count(QdrantClient client, String collection) throws Exception {
        return QdrantCalls.call("test count", () -> client.countAsync(collection, null, true));
    }

    /** Polls until {@code collection} has at least {@code atLeast} points; returns the count. */
    static long awaitCount(QdrantClient client, String collection, long atLeast, Duration timeout) {
        return Poll.until(
                timeout,
                collection + " holding " + atLeast + " points",
                () -> count(client, collection),
                n -> n >= atLeast);
    }

    static float[] storedDense(QdrantClient client, String collection, String docId, int chunk)
            throws Exception {
        List<Points.RetrievedPoint> points =
                QdrantCalls.call(
                        "test read",
                        () ->
                                client.retrieveAsync(
                                        collection,
                                        List.of(PointIdFactory.id(PointIds.of(docId, chunk))),
                                        false,
                                        true,
                                        null));
        if (points.isEmpty()) {
            return null;
        }
        return StoredPoints.dense(points.get(0), "dense");
    }
}
