package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.Tombstones;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.testing.TestData;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Points;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code fhs tombstones} against the real server: counts, then purges by age. */
class TombstonesCommandITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();

    @Test
    void countsAndPurgesTombstonesOlderThanADuration() {
        String collection = "tombstones_cli";
        try (QdrantClient client = QDRANT.connection().open()) {
            CollectionBootstrap.ensure(client, CollectionSpec.hybrid(collection, 4, false));
            long now = System.currentTimeMillis();
            upsert(
                    client,
                    collection,
                    List.of(
                            live("kept"),
                            tombstone("old", now - Duration.ofDays(10).toMillis()),
                            tombstone("new", now - Duration.ofHours(1).toMillis())));
        }
        CliRunner.Result counted = CliRunner.run(args(collection));
        assertThat(counted.exitCode()).as(counted.err()).isZero();
        assertThat(counted.out())
                .contains("Collection " + collection + " holds 2 tombstones and 1 other points");

        CliRunner.Result purged = CliRunner.run(args(collection, "--purge-older-than", "7d"));
        assertThat(purged.exitCode()).as(purged.err()).isZero();
        assertThat(purged.out())
                .contains("Purged 1 tombstones older than 7d")
                .contains("holds 1 tombstones and 1 other points");
    }

    static String[] args(String collection, String... extra) {
        QdrantConnection q = QDRANT.connection();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "tombstones",
                                "--config",
                                TestData.conf("ingest.yaml").toString(),
                                "-D",
                                "qdrant.url=http://" + q.host() + ":" + q.grpcPort(),
                                "-D",
                                "qdrant.collection=" + collection));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    static Points.PointStruct live(String docId) {
        return Points.PointStruct.newBuilder()
                .setId(PointIdFactory.id(UUID.randomUUID()))
                .setVectors(
                        VectorsFactory.namedVectors(
                                Map.of(
                                        CollectionSpec.DEFAULT_DENSE_NAME,
                                        VectorFactory.vector(List.of(0.5f, 0.5f, 0.5f, 0.5f)))))
                .putPayload(CollectionBootstrap.DOC_ID, ValueFactory.value(docId))
                .build();
    }

    /** A point with a tombstone's payload, written {@code atMillis}. */
    static Points.PointStruct tombstone(String docId, long atMillis) {
        return Points.PointStruct.newBuilder()
                .setId(PointIdFactory.id(UUID.randomUUID()))
                .setVectors(VectorsFactory.namedVectors(Map.of()))
                .putPayload(CollectionBootstrap.DOC_ID, ValueFactory.value(docId))
                .putPayload(Tombstones.DELETED, ValueFactory.value(true))
                .putPayload(Tombstones.DELETED_AT, ValueFactory.value(atMillis))
                .build();
    }

    static void upsert(QdrantClient client, String collection, List<Points.PointStruct> points) {
        QdrantCalls.call("test upsert", () -> client.upsertAsync(collection, points));
    }
}
