package io.fhs.connectors.qdrant;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.VectorOutput;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.annotation.PublicEvolving;

/** Reads a whole collection back (blocking): for audits, brute-force checks and tests. */
@PublicEvolving
public final class StoredPoints {
    private static final int PAGE = 1_000;

    private StoredPoints() {}

    /**
     * Every point of {@code collection} but delete tombstones ({@link Tombstones}), a page at a
     * time, with the payload fields asked for.
     */
    public static void scroll(
            QdrantClient client,
            String collection,
            WithPayloadSelector payload,
            boolean withVectors,
            Consumer<RetrievedPoint> each) {
        scroll(client, collection, payload, withVectors, null, each);
    }

    /**
     * As {@link #scroll(QdrantClient, String, WithPayloadSelector, boolean, Consumer)}, reading
     * replicas as {@code consistency} says ({@code all}: only points every copy of their shard
     * holds); null for Qdrant's default.
     */
    public static void scroll(
            QdrantClient client,
            String collection,
            WithPayloadSelector payload,
            boolean withVectors,
            ReadConsistency consistency,
            Consumer<RetrievedPoint> each) {
        ScrollPoints.Builder scroll =
                ScrollPoints.newBuilder()
                        .setCollectionName(collection)
                        .setLimit(PAGE)
                        // Delete tombstones are no points of the index: no audit counts them.
                        .setFilter(Tombstones.live())
                        .setWithPayload(payload)
                        .setWithVectors(WithVectorsSelectorFactory.enable(withVectors));
        if (consistency != null) {
            scroll.setReadConsistency(consistency.toGrpc());
        }
        while (true) {
            ScrollPoints request = scroll.build();
            ScrollResponse page =
                    QdrantCalls.call("scrolling " + collection, () -> client.scrollAsync(request));
            page.getResultList().forEach(each);
            if (!page.hasNextPageOffset()) {
                return;
            }
            scroll.setOffset(page.getNextPageOffset());
        }
    }

    /**
     * The named dense vector of a point (servers fill either the dense or the older data field).
     */
    public static float[] dense(RetrievedPoint point, String name) {
        var vector = point.getVectors().getVectors().getVectorsMap().get(name);
        List<Float> data =
                vector.getDense().getDataCount() > 0
                        ? vector.getDense().getDataList()
                        : vector.getDataList();
        float[] v = new float[data.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = data.get(i);
        }
        return v;
    }

    /**
     * The named sparse vector of a point, or null when it has none (servers answer in the sparse
     * field or, older ones, in indices plus data).
     */
    public static SparseValues sparse(RetrievedPoint point, String name) {
        VectorOutput vector = point.getVectors().getVectors().getVectorsMap().get(name);
        if (vector == null) {
            return null;
        }
        boolean current = vector.getSparse().getIndicesCount() > 0;
        List<Integer> indices =
                current ? vector.getSparse().getIndicesList() : vector.getIndices().getDataList();
        List<Float> values = current ? vector.getSparse().getValuesList() : vector.getDataList();
        int[] i = new int[indices.size()];
        float[] v = new float[values.size()];
        for (int k = 0; k < i.length; k++) {
            i[k] = indices.get(k);
            v[k] = values.get(k);
        }
        return new SparseValues(i, v);
    }
}
