package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.qdrant.PointIds;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.ReadConsistency;
import io.fhs.connectors.qdrant.SchemaMismatchException;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.Poll;
import io.fhs.connectors.testing.QdrantCluster;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ingest into a three-node Qdrant cluster (three shards, two copies of each): a node killed
 * mid-ingest loses no write, searches keep answering while it is down, and once it is back every
 * copy holds every point. Also: the bootstrap refuses an existing collection laid out otherwise.
 */
class QdrantClusterITCase {
    // Servers before the MiniCluster, as PipelineExtension orders them.
    @RegisterExtension static final KafkaCluster KAFKA = new KafkaCluster();
    @RegisterExtension static final QdrantCluster QDRANT = new QdrantCluster(3);

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** The node killed: not node 0, which the clients talk to. */
    static final int VICTIM = 2;

    static final List<String> QUERIES =
            List.of(
                    "time sharing operating systems",
                    "parallel computation of matrix inversion",
                    "compilers for algebraic languages",
                    "information retrieval and document indexing");

    @Test
    void aNodeLostMidIngestLosesNoWriteAndSearchesKeepAnswering() throws Exception {
        List<TextRecord> docs = TestData.cacmDocuments(3_204);
        String topic = "cacm-cluster";
        IngestHarness.produce(KAFKA, topic, IngestHarness.documents(topic, docs));
        Configuration conf =
                replicated(IngestHarness.conf(topic, "cluster", QDRANT.connection(), KAFKA));
        Set<String> expected = pointIds(docs);

        JobClient job = IngestHarness.startBounded(conf, 2);
        try (QdrantClient client = QDRANT.connection().open();
                QueryCore core = QueryCore.open(queryConf(conf))) {
            long before =
                    Poll.until(
                            Duration.ofMinutes(3),
                            "the first points written",
                            () -> count(client),
                            n -> n >= 300);
            QDRANT.kill(VICTIM);
            assertThat(before).as("killed mid-ingest").isLessThan(expected.size());

            int searched = searchWhileDown(core, job);
            assertThat(searched).isGreaterThanOrEqualTo(QUERIES.size());
            // The writes after the kill found the victim's copies gone: Qdrant marked them dead.
            assertThat(QDRANT.replicasActive("cluster"))
                    .as("replicas while a node is down")
                    .isFalse();

            QDRANT.restart(VICTIM);
            job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
            Poll.until(
                    Duration.ofMinutes(2),
                    "every replica active again",
                    () -> QDRANT.replicasActive("cluster"));
            assertThat(count(client)).isEqualTo(expected.size());
            // Points on every copy of their shard: no write lost on the node that was down.
            assertThat(idsOnAllReplicas(client)).isEqualTo(expected);
        }
    }

    @Test
    void anExistingCollectionLaidOutOtherwiseIsRefusedNamingTheOptions() {
        Configuration created =
                replicated(IngestHarness.conf("unused", "laid-out", QDRANT.connection(), KAFKA));
        CollectionLayout.prepare(created, List::of);
        Configuration other = new Configuration(created);
        other.set(QdrantOptions.SHARDS, 2);
        other.set(QdrantOptions.REPLICATION_FACTOR, 1);
        assertThatThrownBy(() -> CollectionLayout.prepare(other, List::of))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("qdrant.shards is 3 in the collection, the job asks 2")
                .hasMessageContaining(
                        "qdrant.replication-factor is 2 in the collection, the job asks 1");
    }

    private static Configuration replicated(Configuration c) {
        c.set(ModelOptions.BM25_AVG_LEN, 60.0);
        c.set(QdrantOptions.SHARDS, 3);
        c.set(QdrantOptions.REPLICATION_FACTOR, 2);
        c.set(QdrantOptions.WRITE_CONSISTENCY_FACTOR, 1);
        return c;
    }

    private static Configuration queryConf(Configuration ingest) {
        Configuration c = new Configuration();
        c.set(QdrantOptions.URL, ingest.get(QdrantOptions.URL));
        c.set(QdrantOptions.COLLECTION, ingest.get(QdrantOptions.COLLECTION));
        c.set(ModelOptions.BM25_AVG_LEN, ingest.get(ModelOptions.BM25_AVG_LEN));
        c.set(QueryOptions.DEADLINE, Duration.ofSeconds(20));
        return c;
    }

    /**
     * Searches through the query core while the victim is down, for as long as the job runs and at
     * least one round of the queries (three minutes at most); every search must answer with hits.
     * Returns how many ran.
     */
    private static int searchWhileDown(QueryCore core, JobClient job) {
        int searched = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (searched < QUERIES.size()
                || (!job.getJobExecutionResult().isDone() && System.nanoTime() < deadline)) {
            String text = QUERIES.get(searched % QUERIES.size());
            QueryResult r = core.run(core.query("q" + searched, text));
            assertThat(r.error()).as(text).isNull();
            assertThat(r.hits()).as(text).isNotEmpty();
            searched++;
        }
        return searched;
    }

    private static long count(QdrantClient client) {
        return QdrantCalls.call("counting", () -> client.countAsync("cluster", null, true));
    }

    private static Set<String> idsOnAllReplicas(QdrantClient client) {
        Set<String> ids = new HashSet<>();
        StoredPoints.scroll(
                client,
                "cluster",
                WithPayloadSelectorFactory.enable(false),
                false,
                ReadConsistency.parse("all"),
                p -> ids.add(p.getId().getUuid()));
        return ids;
    }

    private static Set<String> pointIds(List<TextRecord> docs) {
        Set<String> ids = new HashSet<>();
        try (Chunker chunker = new Chunker(ModelLocator.resolve("all-MiniLM-L6-v2"), 254, 32)) {
            for (TextRecord d : docs) {
                for (Chunk c : chunker.chunk(d.text())) {
                    ids.add(PointIds.of(d.id(), c.index()).toString());
                }
            }
        }
        return ids;
    }
}
