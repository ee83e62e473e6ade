package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Qdrant 1.16.3 refuses in a point payload, and how: the facts the ingest job's validation
 * ({@code ingest.max-metadata-depth}, non-finite numbers) and the sink's error classes rest on.
 */
class QdrantPayloadLimitsITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();
    static final String COLLECTION = "payload_limits";

    static QdrantClient client;

    @BeforeAll
    static void connect() {
        client = QDRANT.connection().open();
        CollectionBootstrap.ensure(
                client, CollectionSpec.hybrid(COLLECTION, TestPoints.DIM, false));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static Value nested(int depth, boolean list) {
        Value v = ValueFactory.value("leaf");
        for (int i = 0; i < depth; i++) {
            v = list ? ValueFactory.list(List.of(v)) : ValueFactory.value(Map.of("k", v));
        }
        return v;
    }

    /** "OK", or the status Qdrant answered with. */
    static String upsert(String key, Value value) throws InterruptedException {
        Points.PointStruct point =
                Points.PointStruct.newBuilder()
                        .setId(PointIdFactory.id(UUID.randomUUID()))
                        .setVectors(
                                VectorsFactory.namedVectors(
                                        Map.of(
                                                CollectionSpec.DEFAULT_DENSE_NAME,
                                                VectorFactory.vector(TestPoints.dense(key, 0)))))
                        .putPayload(key, value)
                        .build();
        try {
            client.upsertAsync(
                            Points.UpsertPoints.newBuilder()
                                    .setCollectionName(COLLECTION)
                                    .setWait(true)
                                    .addPoints(point)
                                    .build())
                    .get();
            return "OK";
        } catch (ExecutionException e) {
            return QdrantErrors.describe(e.getCause());
        }
    }

    @Test
    void objectsNestUpTo32DeepAndListsUpTo48() throws Exception {
        // prost's decoding recursion limit (100): an object level costs 3 (Value, Struct, map
        // entry), a list level 2; deeper payloads fail to decode with INTERNAL ("failed to decode
        // Protobuf message: ... recursion limit reached", or, when that long message does not fit
        // the response headers, "http2 exception").
        assertThat(upsert("m", nested(32, false))).isEqualTo("OK");
        assertThat(upsert("m", nested(40, false))).startsWith("INTERNAL: ");
        assertThat(upsert("m", nested(48, true))).isEqualTo("OK");
        assertThat(upsert("m", nested(50, true))).startsWith("INTERNAL: ");
    }

    @Test
    void nonFiniteNumbersAreInvalidArguments() throws Exception {
        assertThat(upsert("x", ValueFactory.value(Double.POSITIVE_INFINITY)))
                .isEqualTo("INVALID_ARGUMENT: cannot convert to json number");
        assertThat(upsert("x", ValueFactory.value(Double.NaN)))
                .isEqualTo("INVALID_ARGUMENT: cannot convert to json number");
        assertThat(upsert("x", ValueFactory.value(Double.MAX_VALUE))).isEqualTo("OK");
    }

    @Test
    void oddCharactersAndLongKeysAreStored() throws Exception {
        assertThat(upsert("a\0b", ValueFactory.value("x\0y"))).isEqualTo("OK");
        assertThat(upsert("", ValueFactory.value(1))).isEqualTo("OK");
        assertThat(upsert("a.b[].c", ValueFactory.value("x\uD800y"))).isEqualTo("OK");
        assertThat(upsert("k".repeat(1 << 20), ValueFactory.value(1))).isEqualTo("OK");
    }
}
