package io.fhs.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.QdrantErrors;
import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.RetryPolicy;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.jobs.collection.DuplicateOf;
import io.fhs.operators.flink.BatchingAsyncFunction;
import io.qdrant.client.QdrantClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks near-duplicate chunks on ingest ({@link DuplicateFinder}): per micro-batch, one batched
 * Qdrant query for each chunk's nearest stored chunk of another document, then the comparison with
 * the chunks seen just before, on the batcher's worker thread, never the task thread. A duplicate's
 * payload gets {@code duplicate_of}. The check is optional to the record: when Qdrant fails or is
 * slow, the batch passes unmarked and the metric {@code duplicateLookupFailures} counts its chunks.
 */
@Internal
public final class MarkDuplicatesFunction
        extends BatchingAsyncFunction<EncodedChunk, EncodedChunk> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MarkDuplicatesFunction.class);
    private static final List<String> HIT_PAYLOAD =
            List.of(CollectionBootstrap.DOC_ID, CollectionBootstrap.CHUNK);

    private final QdrantConnection connection;
    private final String collection;
    private final float threshold;
    private final int recentChunks;
    private final Duration timeout;

    private transient QdrantClient client;
    private transient QdrantSearcher searcher;
    private transient DuplicateFinder finder;
    private transient ObjectMapper json;
    private transient Counter marked;
    private transient Counter lookupFailures;

    public MarkDuplicatesFunction(
            QdrantConnection connection,
            String collection,
            float threshold,
            int recentChunks,
            Duration timeout,
            int batchSize,
            Duration maxWait) {
        // One worker: the finder's memory of recent chunks follows the stream's order.
        super(batchSize, maxWait);
        this.connection = connection;
        this.collection = collection;
        this.threshold = threshold;
        this.recentChunks = recentChunks;
        this.timeout = timeout;
    }

    @Override
    protected Function<List<EncodedChunk>, List<EncodedChunk>> openBatchFunction() {
        var metrics = getRuntimeContext().getMetricGroup();
        marked = metrics.counter("duplicatesMarked");
        lookupFailures = metrics.counter("duplicateLookupFailures");
        json = new ObjectMapper();
        finder = new DuplicateFinder(threshold, recentChunks);
        client = connection.open();
        searcher =
                new QdrantSearcher(
                        client,
                        collection,
                        CollectionSpec.DEFAULT_DENSE_NAME,
                        CollectionSpec.DEFAULT_SPARSE_NAME);
        return this::mark;
    }

    private List<EncodedChunk> mark(List<EncodedChunk> batch) {
        List<DuplicateOf> marks = finder.find(batch, stored(batch));
        List<EncodedChunk> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            EncodedChunk e = batch.get(i);
            DuplicateOf mark = marks.get(i);
            if (mark == null) {
                out.add(e);
                continue;
            }
            marked.inc();
            out.add(
                    new EncodedChunk(
                            e.chunk().withPayloadJson(withMark(e.chunk().payloadJson(), mark)),
                            e.dense(),
                            e.sparseIndices(),
                            e.sparseValues()));
        }
        return out;
    }

    private String withMark(String payloadJson, DuplicateOf mark) {
        try {
            ObjectNode payload = (ObjectNode) json.readTree(payloadJson);
            mark.addTo(payload);
            return payload.toString();
        } catch (IOException e) {
            // The chunk stage wrote this payload; it is JSON.
            throw new UncheckedIOException("Cannot read the payload to mark", e);
        }
    }

    /**
     * Each chunk's nearest stored chunk of another document (null for none, and for deletions and
     * payload updates); null when Qdrant did not answer in time.
     */
    private List<SearchHit> stored(List<EncodedChunk> batch) {
        List<Integer> positions = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Map<String, String>> excluded = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            EncodedChunk e = batch.get(i);
            if (e.chunk().kind() == ChunkRecord.Kind.UPSERT && e.dense() != null) {
                String docId = e.chunk().docId();
                positions.add(i);
                vectors.add(e.dense());
                // Not its own chunks, nor those marked duplicates of it (an earlier version).
                excluded.add(
                        Map.of(CollectionBootstrap.DOC_ID, docId, DuplicateOf.DOC_ID_KEY, docId));
            }
        }
        SearchHit[] out = new SearchHit[batch.size()];
        if (vectors.isEmpty()) {
            return Arrays.asList(out);
        }
        List<SearchHit> hits = lookUp(vectors, excluded);
        if (hits == null) {
            return null;
        }
        for (int i = 0; i < positions.size(); i++) {
            out[positions.get(i)] = hits.get(i);
        }
        return Arrays.asList(out);
    }

    private List<SearchHit> lookUp(List<float[]> vectors, List<Map<String, String>> excluded) {
        RetryPolicy.Streak streak = new RetryPolicy.Streak();
        CompletableFuture<List<SearchHit>> found =
                searcher.nearestEach(vectors, excluded, HIT_PAYLOAD, streak);
        try {
            return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lookedUpInVain(vectors.size(), "interrupted");
        } catch (ExecutionException e) {
            lookedUpInVain(vectors.size(), QdrantErrors.describe(e.getCause()));
        } catch (TimeoutException e) {
            lookedUpInVain(vectors.size(), "no answer within " + timeout);
        } finally {
            streak.stop();
            found.cancel(true);
        }
        return null;
    }

    private void lookedUpInVain(int chunks, String why) {
        lookupFailures.inc(chunks);
        LOG.warn(
                "Duplicate check in {} failed ({}); {} chunks are written without it",
                collection,
                why,
                chunks);
    }

    @Override
    protected EncodedChunk onFailure(EncodedChunk chunk, Throwable error) {
        // Marking is optional to a chunk: one that cannot be marked is written as it is.
        lookupFailures.inc();
        LOG.warn("Duplicate check of a chunk of {} failed", chunk.chunk().docId(), error);
        return chunk;
    }

    @Override
    public void timeout(EncodedChunk chunk, ResultFuture<EncodedChunk> resultFuture) {
        lookupFailures.inc();
        LOG.warn("Duplicate check of a chunk of {} timed out", chunk.chunk().docId());
        resultFuture.complete(List.of(chunk));
    }

    @Override
    protected void closeBatchFunction() {
        try {
            if (searcher != null) {
                searcher.close();
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }
}
