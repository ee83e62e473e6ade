package io.fhs.jobs.ingest;

import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.jobs.collection.DuplicateOf;
import io.fhs.operators.similarity.SimilarityFunction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * sentence-transformers' {@code paraphrase_mining} as a stream: for each new chunk, in ingest
 * order, the most similar (cosine) earlier chunk of another document, when at least as similar as
 * the threshold. Earlier chunks are those the collection already held (the stored hit each chunk
 * comes with) and the last chunks this finder has seen: the rest of its micro-batch and those
 * before it that the sink may not have written yet. Not thread-safe; one per operator subtask.
 */
@Internal
final class DuplicateFinder {
    /** A remembered chunk; {@code originalDocId} is the document it was marked a duplicate of. */
    private record Seen(String docId, int chunk, float[] unit, String originalDocId) {}

    private final float threshold;
    private final int recentChunks;
    private final ArrayDeque<Seen> recent = new ArrayDeque<>();

    /**
     * @param threshold the least cosine similarity of a duplicate
     * @param recentChunks how many chunks to remember beyond the collection (0: none, then only
     *     stored chunks count)
     */
    DuplicateFinder(float threshold, int recentChunks) {
        this.threshold = threshold;
        this.recentChunks = recentChunks;
    }

    /**
     * The marks of {@code batch} (null where a chunk duplicates nothing, is a deletion or a payload
     * update), then remembers its chunks. {@code stored} holds each chunk's nearest stored chunk of
     * another document, or null where there is none; the whole list is null when the collection
     * could not be asked.
     */
    List<DuplicateOf> find(List<EncodedChunk> batch, List<SearchHit> stored) {
        List<DuplicateOf> marks = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            EncodedChunk e = batch.get(i);
            ChunkRecord c = e.chunk();
            if (c.kind() != ChunkRecord.Kind.UPSERT) {
                if (c.kind() == ChunkRecord.Kind.DELETE) {
                    forget(c.docId());
                }
                marks.add(null);
                continue;
            }
            if (c.chunk() == 0) {
                // A new version: its old chunks are no originals any more.
                forget(c.docId());
            }
            float[] unit = unit(e.dense());
            DuplicateOf best = nearestRecent(c.docId(), unit);
            SearchHit hit = stored == null ? null : stored.get(i);
            if (hit != null && (best == null || hit.score() > best.score())) {
                best = new DuplicateOf(hit.docId(), hit.chunk(), hit.score());
            }
            DuplicateOf mark = best != null && best.score() >= threshold ? best : null;
            marks.add(mark);
            remember(new Seen(c.docId(), c.chunk(), unit, mark == null ? null : mark.docId()));
        }
        return marks;
    }

    private DuplicateOf nearestRecent(String docId, float[] unit) {
        Seen best = null;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (Seen s : recent) {
            // A document is no duplicate of itself, nor of a chunk marked a duplicate of it (an
            // earlier version), or both would drop out of collapsed results.
            if (s.docId().equals(docId) || docId.equals(s.originalDocId())) {
                continue;
            }
            float score = SimilarityFunction.DOT.score(unit, s.unit());
            if (score > bestScore) {
                bestScore = score;
                best = s;
            }
        }
        return best == null ? null : new DuplicateOf(best.docId(), best.chunk(), bestScore);
    }

    private void remember(Seen s) {
        if (recentChunks == 0) {
            return;
        }
        if (recent.size() == recentChunks) {
            recent.removeFirst();
        }
        recent.addLast(s);
    }

    private void forget(String docId) {
        recent.removeIf(s -> s.docId().equals(docId));
    }

    /** {@code v} scaled to length 1, so a dot product is the cosine similarity. */
    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        // As torch.nn.functional.normalize, which clamps the norm at 1e-12.
        double scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * scale);
        }
        return out;
    }
}
