package io.fhs.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.Points.NamedVectorsOutput;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.SparseVector;
import io.qdrant.client.grpc.Points.VectorOutput;
import io.qdrant.client.grpc.Points.VectorsOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bin/fhs bench footprint's measurement on a real Qdrant: the per-point figures contain at least
 * the stored dense vector, and storing it as uint8 instead of float32 saves about three bytes per
 * dimension.
 */
class StorageFootprintITCase {
    private static final int DIM = 384;
    private static final int POINTS = 4_000;

    @Test
    void perPointBytesFollowTheStoredVectorType() throws Exception {
        Path home = QdrantServer.binary().getParent().resolve("../../../..").normalize();
        CollectionSpec float32 = CollectionSpec.hybrid("footprint", DIM, true);
        CollectionSpec uint8 =
                float32.withDatatype(CollectionSpec.Datatype.UINT8)
                        .withDistance(CollectionSpec.Distance.EUCLID);

        StorageFootprint.Row f = StorageFootprint.measure(home, "f", float32, source(), POINTS);
        StorageFootprint.Row u = StorageFootprint.measure(home, "u", uint8, source(), POINTS);

        // A float32 vector of 384 dimensions is 1,536 bytes, on disk and in RAM (vectors not on
        // disk are mapped and held resident).
        assertThat(f.diskBytes()).isGreaterThan(DIM * 4);
        assertThat(f.fileBytes()).isGreaterThan(DIM * 4);
        assertThat(f.diskBytes() - u.diskBytes()).isBetween(DIM * 3 * 0.8, DIM * 3 * 1.5);
        assertThat(f.fileBytes() - u.fileBytes()).isBetween(DIM * 3 * 0.8, DIM * 3 * 1.5);
        assertThat(f.points()).isEqualTo(POINTS);
    }

    /** Points as an ingest job writes them: a payload with text and a sparse vector. */
    private static List<RetrievedPoint> source() {
        List<RetrievedPoint> points = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SparseVector.Builder sparse = SparseVector.newBuilder();
            for (int k = 0; k < 30; k++) {
                sparse.addIndices(i * 31 + k).addValues(1f + k);
            }
            points.add(
                    RetrievedPoint.newBuilder()
                            .putPayload("doc_id", ValueFactory.value("doc-" + i))
                            .putPayload("chunk", ValueFactory.value(0L))
                            .putPayload("text", ValueFactory.value("some chunk text ".repeat(40)))
                            .setVectors(
                                    VectorsOutput.newBuilder()
                                            .setVectors(
                                                    NamedVectorsOutput.newBuilder()
                                                            .putVectors(
                                                                    "sparse",
                                                                    VectorOutput.newBuilder()
                                                                            .setSparse(sparse)
                                                                            .build())))
                            .build());
        }
        return points;
    }
}
