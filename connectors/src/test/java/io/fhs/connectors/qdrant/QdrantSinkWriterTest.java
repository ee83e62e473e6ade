package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fhs.connectors.qdrant.FakeWriteClient.Request;
import io.fhs.connectors.qdrant.RejectedWriteHandler.RejectedWrite;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sink writer against a stand-in for Qdrant: batching, bisection, retries, failures. */
class QdrantSinkWriterTest {
    static final RetryPolicy QUICK =
            new RetryPolicy(
                    Duration.ofMillis(1),
                    Duration.ofMillis(4),
                    Integer.MAX_VALUE,
                    Duration.ofMinutes(1));
    static final SinkWriter.Context NO_CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return 0;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    final FakeWriteClient qdrant = new FakeWriteClient();
    final List<RejectedWrite> rejected = new ArrayList<>();
    final boolean[] rejectsClosed = {false};
    QdrantSinkWriter<QdrantWrite> writer;

    /** Keeps what it is given, in memory, like a dead-letter topic would. */
    final RejectedWriteHandler deadLetters =
            () ->
                    new RejectedWriteHandler.Session() {
                        @Override
                        public CompletableFuture<Void> reject(List<RejectedWrite> writes) {
                            synchronized (rejected) {
                                rejected.addAll(writes);
                            }
                            return CompletableFuture.completedFuture(null);
                        }

                        @Override
                        public void close() {
                            rejectsClosed[0] = true;
                        }
                    };

    QdrantSinkWriter<QdrantWrite> writer(
            int maxBatchSize, RetryPolicy policy, RejectedWriteHandler handler) {
        return writer(
                maxBatchSize, QdrantSinkBuilder.DEFAULT_MAX_BATCH_SIZE_IN_BYTES, policy, handler);
    }

    QdrantSinkWriter<QdrantWrite> writer(
            int maxBatchSize, long maxBytes, RetryPolicy policy, RejectedWriteHandler handler) {
        AsyncSinkWriterConfiguration config =
                AsyncSinkWriterConfiguration.builder()
                        .setMaxBatchSize(maxBatchSize)
                        .setMaxBatchSizeInBytes(maxBytes)
                        .setMaxInFlightRequests(1)
                        .setMaxBufferedRequests(1000)
                        .setMaxTimeInBufferMS(60_000)
                        .setMaxRecordSizeInBytes(
                                Math.min(
                                        maxBytes,
                                        QdrantSinkBuilder.DEFAULT_MAX_RECORD_SIZE_IN_BYTES))
                        .build();
        writer =
                new QdrantSinkWriter<>(
                        QdrantSinkBuilder.identity(),
                        new TestWriterContext(),
                        config,
                        List.of(),
                        provider(),
                        "c",
                        "dense",
                        "sparse",
                        policy,
                        handler);
        return writer;
    }

    QdrantWriteClient.Provider provider() {
        return new QdrantWriteClient.Provider() {
            @Override
            public QdrantWriteClient open() {
                return qdrant;
            }

            @Override
            public String toString() {
                return "fake";
            }
        };
    }

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    static QdrantWrite upsert(String docId) {
        return QdrantWrite.upsert(docId, 0, new float[] {1f, 0f}, null, null, "{}");
    }

    static List<QdrantWrite> upserts(int n) {
        List<QdrantWrite> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(upsert("d" + i));
        }
        return out;
    }

    void writeAll(List<QdrantWrite> writes) throws Exception {
        for (QdrantWrite w : writes) {
            writer.write(w, NO_CONTEXT);
        }
        writer.flush(true);
    }

    static List<Integer> sizes(List<Request> requests) {
        return requests.stream().map(r -> r.docIds().size()).toList();
    }

    @Test
    void requestsCarryAtMostMaxBatchSizeWritesAndDeletesKeepTheirPlace() throws Exception {
        writer(3, QUICK, null);
        List<QdrantWrite> writes = new ArrayList<>(upserts(7));
        writes.add(2, QdrantWrite.deleteDocument("gone"));
        writeAll(writes);
        // Batches of 3 writes; within one, the upserts before a delete, the delete, the rest.
        assertThat(qdrant.requests())
                .extracting(Request::kind, Request::docIds)
                .containsExactly(
                        tuple("upsert", List.of("d0", "d1")),
                        tuple("delete", List.of("gone")),
                        tuple("upsert", List.of("d2", "d3", "d4")),
                        tuple("upsert", List.of("d5", "d6")));
        assertThat(qdrant.written()).containsExactly("d0", "d1", "d2", "d3", "d4", "d5", "d6");
    }

    @Test
    void requestsCarryAtMostMaxBatchSizeInBytes() throws Exception {
        long size = upsert("d0").sizeInBytes();
        writer(100, size * 5 / 2, QUICK, null);
        writeAll(upserts(5));
        assertThat(sizes(qdrant.requests())).containsExactly(2, 2, 1);
        assertThat(qdrant.written()).containsExactly("d0", "d1", "d2", "d3", "d4");
    }

    @Test
    void refusedWritesAreBisectedToThemselvesAndTheOthersAreWritten() throws Exception {
        writer(8, QUICK, deadLetters);
        qdrant.refuses = docId -> docId.equals("d2") || docId.equals("d7");
        writeAll(upserts(8));
        assertThat(qdrant.written()).containsExactly("d0", "d1", "d3", "d4", "d5", "d6");
        assertThat(rejected)
                .extracting(r -> r.write().docId(), RejectedWrite::reason)
                .containsExactly(
                        tuple("d2", "INVALID_ARGUMENT: Wrong input: bad payload"),
                        tuple("d7", "INVALID_ARGUMENT: Wrong input: bad payload"));
        assertThat(qdrant.requests().stream().filter(r -> r.docIds().equals(List.of("d2"))))
                .hasSize(2);
        // 8 -> 4 + 4 -> 2 + 2 each -> singles of the refused pairs, each refused one sent twice.
        assertThat(sizes(qdrant.requests())).containsExactly(8, 4, 2, 2, 1, 1, 1, 4, 2, 2, 1, 1, 1);
    }

    @Test
    void aRefusedWriteWithoutAHandlerFailsTheJobWithQdrantsMessage() throws Exception {
        writer(4, QUICK, null);
        qdrant.refuses = docId -> docId.equals("d1");
        assertThat(jobFailure(4))
                .hasMessage(
                        "Qdrant rejected a write to collection 'c': INVALID_ARGUMENT: Wrong input:"
                                + " bad payload");
    }

    @Test
    void transientFailuresAreRetriedUntilTheWritesSucceed() throws Exception {
        writer(5, QUICK, deadLetters);
        qdrant.unavailableRequests = 3;
        writeAll(upserts(5));
        // Flink's congestion control shrinks the requests after failures; each retry carries the
        // writes not yet written.
        List<Request> requests = qdrant.requests();
        assertThat(requests.subList(0, 3)).extracting(Request::succeeded).containsOnly(false);
        assertThat(requests.subList(3, requests.size()))
                .extracting(Request::succeeded)
                .containsOnly(true);
        assertThat(qdrant.written()).containsExactly("d0", "d1", "d2", "d3", "d4");
        assertThat(rejected).isEmpty();
    }

    @Test
    void aStreakOfTransientFailuresLongerThanTheRetryTimeFailsTheJob() throws Exception {
        writer(2, QUICK.withMaxRetryTime(Duration.ofMillis(30)), deadLetters);
        qdrant.unavailableRequests = Integer.MAX_VALUE;
        assertThat(jobFailure(2))
                .hasMessageStartingWith("Qdrant at fake kept failing for")
                .hasMessageEndingWith("UNAVAILABLE: restarting");
        assertThat(qdrant.requests().size()).isGreaterThanOrEqualTo(2);
        assertThat(qdrant.written()).isEmpty();
    }

    @Test
    void aFatalFailureFailsTheJobWithoutRetryOrRejection() throws Exception {
        writer(3, QUICK, deadLetters);
        qdrant.fatal = Status.NOT_FOUND.withDescription("Collection c not found");
        assertThat(jobFailure(3))
                .hasMessage(
                        "Qdrant cannot take writes to collection 'c': NOT_FOUND: Collection c not"
                                + " found");
        assertThat(qdrant.requests()).hasSize(1);
        assertThat(rejected).isEmpty();
    }

    @Test
    void closingTheWriterClosesItsClientAndItsRejectedWriteSession() {
        writer(3, QUICK, deadLetters).close();
        writer = null;
        assertThat(qdrant.closed).isTrue();
        assertThat(rejectsClosed[0]).isTrue();
    }

    /** Writes {@code n} upserts and flushes them; returns what failed the job. */
    QdrantException jobFailure(int n) throws Exception {
        for (QdrantWrite w : upserts(n)) {
            writer.write(w, NO_CONTEXT);
        }
        try {
            writer.flush(true);
        } catch (RuntimeException e) {
            // The writer's fatal failures reach the task through its mailbox, wrapped.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof QdrantException q) {
                    return q;
                }
            }
            throw new AssertionError("The job failed, but not with a QdrantException", e);
        }
        throw new AssertionError("The flush did not fail");
    }
}
