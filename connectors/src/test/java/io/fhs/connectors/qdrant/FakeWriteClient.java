package io.fhs.connectors.qdrant;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Stands in for Qdrant behind the sink writer: records each request (the documents it carries), and
 * answers as a test sets it up: refuses requests that carry a document it refuses, fails the first
 * requests with a transient error, or fails everything with a fatal one.
 */
final class FakeWriteClient implements QdrantWriteClient {
    /** One request as the fake saw it, and whether it succeeded. */
    record Request(String kind, List<String> docIds, boolean succeeded) {}

    final List<Request> requests = new ArrayList<>();
    Predicate<String> refuses = docId -> false;
    int unavailableRequests;
    Status fatal;
    boolean closed;

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The documents of the upserts that succeeded, in the order they were written. */
    synchronized List<String> written() {
        List<String> out = new ArrayList<>();
        requests.stream()
                .filter(r -> r.succeeded() && r.kind().equals("upsert"))
                .forEach(r -> out.addAll(r.docIds()));
        return out;
    }

    @Override
    public CompletableFuture<Points.UpdateResult> upsert(Points.UpsertPoints request) {
        List<String> docs = new ArrayList<>();
        request.getPointsList()
                .forEach(
                        p ->
                                docs.add(
                                        p.getPayloadMap()
                                                .get(CollectionBootstrap.DOC_ID)
                                                .getStringValue()));
        return answer("upsert", docs);
    }

    @Override
    public CompletableFuture<Points.UpdateResult> setPayload(Points.SetPayloadPoints request) {
        return answer("setPayload", List.of(docId(request.getPointsSelector().getFilter())));
    }

    @Override
    public CompletableFuture<Points.UpdateResult> delete(Points.DeletePoints request) {
        return answer("delete", List.of(docId(request.getPoints().getFilter())));
    }

    private static String docId(Common.Filter filter) {
        return filter.getMust(0).getField().getMatch().getKeyword();
    }

    private synchronized CompletableFuture<Points.UpdateResult> answer(
            String kind, List<String> docIds) {
        Status failure = null;
        if (fatal != null) {
            failure = fatal;
        } else if (unavailableRequests > 0) {
            unavailableRequests--;
            failure = Status.UNAVAILABLE.withDescription("restarting");
        } else if (docIds.stream().anyMatch(refuses)) {
            failure = Status.INVALID_ARGUMENT.withDescription("Wrong input: bad payload");
        }
        requests.add(new Request(kind, docIds, failure == null));
        return failure == null
                ? CompletableFuture.completedFuture(Points.UpdateResult.getDefaultInstance())
                : CompletableFuture.failedFuture(new StatusRuntimeException(failure));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
