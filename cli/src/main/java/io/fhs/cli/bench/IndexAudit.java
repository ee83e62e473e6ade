package io.fhs.cli.bench;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.PointIds;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.jobs.ingest.ChunkFunction;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import io.fhs.operators.similarity.SimilarityFunction;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Compares a collection with the state the ingest job must leave for a set of live documents,
 * computed without the job: the chunker and plain dense encoder give every document's point ids and
 * vectors. Used by the fault drills, where a crash or a replay must neither lose, duplicate nor
 * leave stale points.
 */
public final class IndexAudit implements AutoCloseable {
    /** Cosine below which a stored vector is not the encoder's vector for the chunk. */
    public static final double MIN_COSINE = 1 - 1e-5;

    /** A document as it must be indexed: its newest accepted version. */
    public record Doc(String id, String title, String text, long version) {}

    /** One expected point. */
    private record Expected(String docId, long version, String text) {}

    /**
     * The outcome: {@code missing} expected points not found; {@code stale} found with another
     * version or vector; {@code unexpected} points of no live document's chunk (a deleted document,
     * a stale tail, a duplicate under another id).
     */
    public record Report(int expected, int found, int missing, int stale, int unexpected) {
        public boolean clean() {
            return missing == 0 && stale == 0 && unexpected == 0 && found == expected;
        }
    }

    private final DenseEncoder encoder;
    private final Chunker chunker;
    // Encoding is the slow part and documents rarely change between audits: keyed by the text.
    private final Map<String, float[]> vectors = new HashMap<>();

    public IndexAudit(String denseModel, int overlapTokens) {
        this.encoder = DenseEncoder.open(denseModel);
        this.chunker = Chunker.forDocuments(encoder.directory(), overlapTokens);
    }

    public Report audit(QdrantClient client, String collection, Collection<Doc> live) {
        Map<UUID, Expected> expected = new HashMap<>();
        for (Doc doc : live) {
            for (Chunk c : chunker.chunk(doc.text())) {
                expected.put(
                        PointIds.of(doc.id(), c.index()),
                        new Expected(
                                doc.id(),
                                doc.version(),
                                ChunkFunction.encodeText(doc.title(), c.text())));
            }
        }
        encodeMissing(expected.values());
        int[] counts = new int[3]; // found, stale, unexpected
        Map<UUID, Boolean> seen = new HashMap<>();
        StoredPoints.scroll(
                client,
                collection,
                WithPayloadSelectorFactory.include(List.of("version")),
                true,
                p -> {
                    UUID id = UUID.fromString(p.getId().getUuid());
                    Expected want = expected.get(id);
                    counts[0]++;
                    if (want == null) {
                        counts[2]++;
                        return;
                    }
                    seen.put(id, true);
                    Value version = p.getPayloadMap().get("version");
                    float[] stored = StoredPoints.dense(p, CollectionSpec.DEFAULT_DENSE_NAME);
                    boolean sameVersion =
                            version != null && version.getIntegerValue() == want.version();
                    double cosine =
                            SimilarityFunction.COSINE.score(vectors.get(want.text()), stored);
                    if (!sameVersion || cosine < MIN_COSINE) {
                        counts[1]++;
                    }
                });
        return new Report(
                expected.size(), counts[0], expected.size() - seen.size(), counts[1], counts[2]);
    }

    private void encodeMissing(Collection<Expected> points) {
        Set<String> missing = new LinkedHashSet<>();
        for (Expected e : points) {
            if (!vectors.containsKey(e.text())) {
                missing.add(e.text());
            }
        }
        List<String> texts = new ArrayList<>(missing);
        if (texts.isEmpty()) {
            return;
        }
        float[][] encoded = encoder.encode(texts, Role.DOCUMENT);
        for (int i = 0; i < texts.size(); i++) {
            vectors.put(texts.get(i), encoded[i]);
        }
    }

    @Override
    public void close() {
        try {
            chunker.close();
        } finally {
            encoder.close();
        }
    }
}
