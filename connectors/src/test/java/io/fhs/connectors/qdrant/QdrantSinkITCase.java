package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.testing.Poll;
import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** QdrantSink on a Flink MiniCluster against a real Qdrant server. */
class QdrantSinkITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();

    static QdrantClient client;

    @BeforeAll
    static void connect() {
        client = QDRANT.connection().open();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    static String collection(String name) {
        CollectionSpec spec = CollectionSpec.hybrid(name, TestPoints.DIM, false);
        try {
            if (QdrantCalls.call("test read", () -> client.collectionExistsAsync(name))) {
                QdrantCalls.call("test cleanup", () -> client.deleteCollectionAsync(name));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        CollectionBootstrap.ensure(client, spec);
        return name;
    }

    static QdrantSink<QdrantWrite> sink(String collection, int batch) {
        return QdrantSink.<QdrantWrite>builder()
                .setElementConverter(QdrantSinkBuilder.identity())
                .setConnection(QDRANT.connection())
                .setCollection(collection)
                .setMaxBatchSize(batch)
                .setMaxTimeInBufferMs(50)
                .setRetryPolicy(
                        new RetryPolicy(
                                Duration.ofMillis(100),
                                Duration.ofSeconds(2),
                                Duration.ofMinutes(2)))
                .build();
    }

    static void write(List<QdrantWrite> writes, String collection, int parallelism)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.fromData(writes)
                .name("writes")
                .uid("writes")
                .sinkTo(sink(collection, 200))
                .name("qdrant")
                .uid("qdrant");
        env.execute("qdrant-sink-test");
    }

    @Test
    void tenThousandPointsArriveExactlyOnceAndReplaysOverwrite() throws Exception {
        String c = collection("sink_10k");
        List<QdrantWrite> writes = TestPoints.documents(2_000, 5, "doc-");
        write(writes, c, 2);
        assertThat(TestPoints.count(client, c)).isEqualTo(10_000);
        for (int d = 0; d < 2_000; d += 97) {
            int chunk = d % 5;
            assertThat(TestPoints.storedDense(client, c, "doc-" + d, chunk))
                    .as("doc-%d chunk %d", d, chunk)
                    .containsExactly(
                            TestPoints.normalized(TestPoints.dense("doc-" + d, chunk)),
                            org.assertj.core.data.Offset.offset(1e-6f));
        }
        write(writes, c, 2);
        assertThat(TestPoints.count(client, c)).isEqualTo(10_000);
    }

    @Test
    void deletingADocumentRemovesAllItsChunksAndShrinkingKeepsTheHead() throws Exception {
        String c = collection("sink_delete");
        write(TestPoints.documents(20, 5, "d"), c, 1);
        assertThat(TestPoints.count(client, c)).isEqualTo(100);
        write(
                List.of(QdrantWrite.deleteDocument("d3"), QdrantWrite.deleteChunksFrom("d7", 2)),
                c,
                1);
        assertThat(TestPoints.count(client, c)).isEqualTo(100 - 5 - 3);
        for (int chunk = 0; chunk < 5; chunk++) {
            assertThat(TestPoints.storedDense(client, c, "d3", chunk)).isNull();
            if (chunk < 2) {
                assertThat(TestPoints.storedDense(client, c, "d7", chunk)).isNotNull();
            } else {
                assertThat(TestPoints.storedDense(client, c, "d7", chunk)).isNull();
            }
        }
    }

    @Test
    void aQdrantCrashMidWriteIsRetriedAndNoPointIsMissing() throws Exception {
        String c = collection("sink_crash");
        List<QdrantWrite> writes = TestPoints.documents(2_000, 5, "crash-");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(writes)
                .name("writes")
                .uid("writes")
                .map(new Throttle())
                .name("throttle")
                .uid("throttle")
                .sinkTo(sink(c, 100))
                .name("qdrant")
                .uid("qdrant");
        JobClient job = env.executeAsync("qdrant-crash-test");
        CompletableFuture<?> result = job.getJobExecutionResult();
        // The crash lands once writes have begun (the collection holds points), not after a guess.
        long before =
                Poll.until(
                        Duration.ofMinutes(1),
                        "first points",
                        () -> TestPoints.count(client, c),
                        n -> n > 0);
        QDRANT.kill();
        // Not a wait for anything: how long Qdrant stays down, so that writes meet the outage.
        Thread.sleep(2_000);
        QDRANT.restart();
        client.close();
        client = QDRANT.connection().open();
        result.get();
        assertThat(before).as("points written before the crash").isBetween(1L, 9_999L);
        assertThat(TestPoints.count(client, c)).isEqualTo(10_000);
        for (int d = 0; d < 2_000; d += 111) {
            for (int chunk = 0; chunk < 5; chunk++) {
                assertThat(TestPoints.storedDense(client, c, "crash-" + d, chunk)).isNotNull();
            }
        }
    }

    @Test
    void aPermanentErrorFailsTheJobWithQdrantsMessage() {
        String c = collection("sink_invalid");
        List<QdrantWrite> wrongDimension =
                List.of(QdrantWrite.upsert("bad", 0, new float[] {1, 2, 3}, null, null, "{}"));
        assertThatThrownBy(() -> write(wrongDimension, c, 1))
                .satisfies(
                        e ->
                                assertThat(ExceptionUtils.stringifyException(e))
                                        .contains(
                                                "Qdrant rejected a write to collection 'sink_invalid'")
                                        .contains("INVALID_ARGUMENT")
                                        .containsIgnoringCase("dimension"));
    }

    /** Slows the stream so that a crash lands in the middle of the writes. */
    static final class Throttle implements MapFunction<QdrantWrite, QdrantWrite> {
        private int n;

        @Override
        public QdrantWrite map(QdrantWrite w) throws Exception {
            if (++n % 10 == 0) {
                Thread.sleep(8);
            }
            return w;
        }
    }
}
