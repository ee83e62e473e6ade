package io.fhs.connectors.testing;

import io.qdrant.client.grpc.Points;
import java.util.List;

/** Reads vectors back from retrieved Qdrant points, for tests that compare them. */
public final class StoredVectors {
    private StoredVectors() {}

    /**
     * The named dense vector of a point (servers fill either the dense or the older data field).
     */
    public static float[] dense(Points.RetrievedPoint point, String name) {
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
}
