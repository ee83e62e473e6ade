package io.fhs.cli.bench;

import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.SparseValues;
import io.fhs.connectors.qdrant.StoredPoints;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionStatus;
import io.qdrant.client.grpc.Collections.OptimizersConfigDiff;
import io.qdrant.client.grpc.Collections.UpdateCollection;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.Vector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What a point costs Qdrant in memory and on disk, per storage mode: copies of a real collection's
 * points (their payloads and sparse vectors, fresh random dense vectors of the stored type) go into
 * a scratch Qdrant of their own, one per mode, which is measured empty and again once every vector
 * is indexed; the difference over the points is the cost of a point.
 */
public final class StorageFootprint {
    private static final int BATCH = 256;
    // Below Qdrant's default indexing threshold (10 MB of vectors) a segment stays unindexed; at
    // millions of points every segment is indexed, so the measurement indexes everything.
    private static final long INDEXING_THRESHOLD_KB = 100;
    private static final Duration INDEX_TIMEOUT = Duration.ofMinutes(20);
    private static final int WARM_SEARCHES = 200;

    /** One point's share, in bytes, of the scratch server after its points were indexed. */
    public record Row(
            String mode,
            long points,
            double anonBytes,
            double fileBytes,
            double diskBytes,
            double loadSeconds,
            double indexSeconds) {
        /** Resident memory per point: anonymous plus mapped file pages. */
        public double residentBytes() {
            return anonBytes + fileBytes;
        }
    }

    private StorageFootprint() {}

    /** The points of {@code collection} (tombstones left out), with payloads and vectors. */
    public static List<RetrievedPoint> source(QdrantClient client, String collection) {
        List<RetrievedPoint> points = new ArrayList<>();
        StoredPoints.scroll(
                client, collection, WithPayloadSelectorFactory.enable(true), true, points::add);
        return points;
    }

    /**
     * Measures {@code points} copies of {@code source} in a collection laid out as {@code spec}.
     */
    public static Row measure(
            Path home, String mode, CollectionSpec spec, List<RetrievedPoint> source, long points)
            throws IOException, InterruptedException {
        try (ScratchQdrant qdrant = ScratchQdrant.start(home);
                QdrantClient client = qdrant.connection().open()) {
            CollectionBootstrap.ensure(client, spec);
            QdrantCalls.call(
                    "lowering the indexing threshold",
                    () ->
                            client.updateCollectionAsync(
                                    UpdateCollection.newBuilder()
                                            .setCollectionName(spec.name())
                                            .setOptimizersConfig(
                                                    OptimizersConfigDiff.newBuilder()
                                                            .setIndexingThreshold(
                                                                    INDEXING_THRESHOLD_KB))
                                            .build()));
            Usage empty = serving(qdrant, client, spec, source, 0);
            long start = System.nanoTime();
            load(client, spec, source, points);
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            awaitIndexed(client, spec.name(), points);
            double indexSeconds = (System.nanoTime() - start) / 1e9 - loadSeconds;
            Usage full = serving(qdrant, client, spec, source, points);
            return new Row(
                    mode,
                    points,
                    (double) (full.anon - empty.anon) / points,
                    (double) (full.file - empty.file) / points,
                    (double) (full.disk - empty.disk) / points,
                    loadSeconds,
                    indexSeconds);
        }
    }

    /**
     * The server's usage as it serves: restarted on its storage (indexing's transient memory gone),
     * then warmed by dense and sparse searches, which page in what searching touches.
     */
    private static Usage serving(
            ScratchQdrant qdrant,
            QdrantClient client,
            CollectionSpec spec,
            List<RetrievedPoint> source,
            long points)
            throws IOException, InterruptedException {
        qdrant.restart();
        awaitIndexed(client, spec.name(), points);
        Random random = new Random(7);
        for (int i = 0; i < WARM_SEARCHES; i++) {
            QueryPoints.Builder dense =
                    QueryPoints.newBuilder()
                            .setCollectionName(spec.name())
                            .setUsing(spec.denseName())
                            .setQuery(QueryFactory.nearest(dense(spec, random)))
                            .setLimit(10);
            QdrantCalls.call("searching", () -> client.queryAsync(dense.build()));
            SparseValues sparse =
                    spec.hasSparse()
                            ? StoredPoints.sparse(source.get(i % source.size()), spec.sparseName())
                            : null;
            if (sparse != null && sparse.size() > 0) {
                List<Float> values = new ArrayList<>(sparse.size());
                List<Integer> indices = new ArrayList<>(sparse.size());
                for (int k = 0; k < sparse.size(); k++) {
                    indices.add(sparse.indices()[k]);
                    values.add(sparse.values()[k]);
                }
                QueryPoints.Builder q =
                        QueryPoints.newBuilder()
                                .setCollectionName(spec.name())
                                .setUsing(spec.sparseName())
                                .setQuery(QueryFactory.nearest(values, indices))
                                .setLimit(10);
                QdrantCalls.call("searching", () -> client.queryAsync(q.build()));
            }
        }
        return Usage.of(qdrant, spec.name());
    }

    private static void load(
            QdrantClient client, CollectionSpec spec, List<RetrievedPoint> source, long points) {
        Random random = new Random(42);
        List<PointStruct> batch = new ArrayList<>(BATCH);
        for (long i = 0; i < points; i++) {
            batch.add(copy(source.get((int) (i % source.size())), i, spec, random));
            if (batch.size() == BATCH || i == points - 1) {
                List<PointStruct> request = List.copyOf(batch);
                QdrantCalls.call("writing points", () -> client.upsertAsync(spec.name(), request));
                batch.clear();
            }
        }
    }

    private static PointStruct copy(RetrievedPoint p, long i, CollectionSpec spec, Random random) {
        Map<String, Vector> vectors = new HashMap<>(2);
        vectors.put(spec.denseName(), VectorFactory.vector(dense(spec, random)));
        SparseValues sparse = spec.hasSparse() ? StoredPoints.sparse(p, spec.sparseName()) : null;
        if (sparse != null && sparse.size() > 0) {
            List<Float> values = new ArrayList<>(sparse.size());
            List<Integer> indices = new ArrayList<>(sparse.size());
            for (int k = 0; k < sparse.size(); k++) {
                indices.add(sparse.indices()[k]);
                values.add(sparse.values()[k]);
            }
            vectors.put(spec.sparseName(), VectorFactory.vector(values, indices));
        }
        Map<String, Value> payload = new HashMap<>(p.getPayloadMap());
        // Distinct documents, as in a large index: the doc_id keyword index grows with them.
        Value docId = payload.get(CollectionBootstrap.DOC_ID);
        String original = docId == null ? "doc" : docId.getStringValue();
        payload.put(CollectionBootstrap.DOC_ID, ValueFactory.value(original + "~" + i));
        return PointStruct.newBuilder()
                .setId(
                        PointIdFactory.id(
                                UUID.nameUUIDFromBytes(
                                        Long.toString(i).getBytes(StandardCharsets.UTF_8))))
                .setVectors(VectorsFactory.namedVectors(vectors))
                .putAllPayload(payload)
                .build();
    }

    /** A random dense vector as the stored type holds it. */
    private static float[] dense(CollectionSpec spec, Random random) {
        float[] v = new float[spec.dimension()];
        switch (spec.datatype()) {
            case UINT8 -> {
                for (int d = 0; d < v.length; d++) {
                    v[d] = random.nextInt(256);
                }
            }
            case FLOAT16 -> {
                for (int d = 0; d < v.length; d++) {
                    v[d] = random.nextBoolean() ? 1f : -1f;
                }
            }
            case FLOAT32 -> {
                double norm = 0;
                for (int d = 0; d < v.length; d++) {
                    v[d] = (float) random.nextGaussian();
                    norm += v[d] * v[d];
                }
                float scale = (float) (1 / Math.sqrt(norm));
                for (int d = 0; d < v.length; d++) {
                    v[d] *= scale;
                }
            }
        }
        return v;
    }

    private static void awaitIndexed(QdrantClient client, String collection, long points)
            throws InterruptedException {
        long deadline = System.nanoTime() + INDEX_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            CollectionInfo info =
                    QdrantCalls.call(
                            "reading " + collection,
                            () -> client.getCollectionInfoAsync(collection));
            if (info.getStatus() == CollectionStatus.Green
                    && info.getPointsCount() >= points
                    && info.getIndexedVectorsCount() >= points) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException(
                collection + " not indexed within " + INDEX_TIMEOUT + " (" + points + " points)");
    }

    /**
     * A scratch server's anonymous memory, the resident pages of one collection's mapped files and
     * the collection's disk usage. The write-ahead log is left out of both: its size follows the
     * write rate (segments of 32 MB kept until flushed), not the number of points.
     */
    private record Usage(long anon, long file, long disk) {
        static Usage of(ScratchQdrant qdrant, String collection)
                throws IOException, InterruptedException {
            return new Usage(
                    ProcessMemory.rssAnon(qdrant.pid()).orElse(0),
                    ProcessMemory.mappedResident(
                            qdrant.pid(), qdrant.collectionDir(collection), "/wal/"),
                    DiskUsage.bytes(qdrant.collectionDir(collection), "wal"));
        }
    }
}
