package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.MatryoshkaPrefix;
import io.fhs.connectors.qdrant.SchemaMismatchException;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * model.truncate-dim and qdrant.matryoshka-dim through the real ingest job (Kafka, Qdrant, MiniLM),
 * then the query core over the collection: it follows the stored dimension, refuses a mismatching
 * option, and its two-stage and MMR searches answer as they should.
 */
class MatryoshkaIngestITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();
    static final int TRUNCATE = 128;
    static final int PREFIX = 64;
    static final String QUERY = "time sharing operating systems";

    @Test
    void truncatedCollectionWithPrefixIsSearchedAsWritten() throws Exception {
        String collection = PIPELINE.name("mrl");
        List<TextRecord> docs = TestData.cacmDocuments(80);
        String topic = collection + "-docs";
        IngestHarness.produce(KAFKA, topic, IngestHarness.documents(topic, docs));
        Configuration ingest = IngestHarness.conf(topic, collection, QDRANT.connection(), KAFKA);
        ingest.set(ModelOptions.TRUNCATE_DIM, TRUNCATE);
        ingest.set(QdrantOptions.MATRYOSHKA_DIM, PREFIX);
        IngestHarness.runBounded(ingest, QDRANT.connection(), 1);

        int points = checkStoredVectors(collection);
        assertThat(points).isGreaterThanOrEqualTo(docs.size());

        // Unset, the query side follows the collection's 128 dimensions.
        Configuration query = queryConf(collection);
        QuerySettings followed = QuerySettings.from(query, QDRANT.connection());
        assertThat(followed.truncateDim()).isEqualTo(TRUNCATE);
        assertThat(followed.prefixDimension()).isEqualTo(PREFIX);
        // Another value is refused, naming the option.
        Configuration wrong = new Configuration(query);
        wrong.set(ModelOptions.TRUNCATE_DIM, 256);
        assertThatThrownBy(() -> QuerySettings.from(wrong, QDRANT.connection()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.truncate-dim is 256 but collection " + collection)
                .hasMessageContaining("stores 128-dimension dense vectors");
        // So is ingesting into it with other dimensions.
        Configuration reingest = new Configuration(ingest);
        reingest.set(ModelOptions.TRUNCATE_DIM, 256);
        assertThatThrownBy(() -> CollectionLayout.prepare(reingest, List::of))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("dense dimension is 128, the model needs 256");

        // Two stages over every point give the exact one-stage ranking, at full-vector scores.
        Configuration exact = new Configuration(query);
        exact.set(QueryOptions.EXACT, true);
        List<QueryResult.Hit> oneStage = search(exact, SearchRequest.Mode.DENSE);
        Configuration twoStage = new Configuration(query);
        twoStage.set(QueryOptions.MATRYOSHKA_CANDIDATES, points);
        List<QueryResult.Hit> twoStaged = search(twoStage, SearchRequest.Mode.DENSE);
        assertThat(ids(twoStaged)).isEqualTo(ids(oneStage));
        for (int i = 0; i < oneStage.size(); i++) {
            assertThat(twoStaged.get(i).score()).isCloseTo(oneStage.get(i).score(), within(1e-5f));
        }
        // Hybrid searches run their dense prefetch in two stages; they answer top_k documents.
        assertThat(new HashSet<>(ids(search(twoStage, SearchRequest.Mode.HYBRID)))).hasSize(10);

        // MMR: the best document stays first, the list stays top_k distinct documents (collapsed
        // here, as Qdrant's groups come back out of order under MMR), in another order.
        Configuration mmr = new Configuration(query);
        mmr.set(QueryOptions.MMR_DIVERSITY, 0.7);
        List<QueryResult.Hit> diverse = search(mmr, SearchRequest.Mode.DENSE);
        List<QueryResult.Hit> plain = search(query, SearchRequest.Mode.DENSE);
        assertThat(new HashSet<>(ids(diverse))).hasSize(10);
        assertThat(diverse.get(0).docId()).isEqualTo(plain.get(0).docId());
        assertThat(ids(diverse)).isNotEqualTo(ids(plain));
    }

    /** Dense vectors of 128 values, prefixes of 64: the first 64 of each, normalized. */
    private static int checkStoredVectors(String collection) {
        List<float[]> dense = new ArrayList<>();
        List<float[]> prefix = new ArrayList<>();
        try (QdrantClient client = QDRANT.connection().open()) {
            StoredPoints.scroll(
                    client,
                    collection,
                    WithPayloadSelectorFactory.enable(false),
                    true,
                    p -> {
                        dense.add(StoredPoints.dense(p, CollectionSpec.DEFAULT_DENSE_NAME));
                        prefix.add(StoredPoints.dense(p, MatryoshkaPrefix.VECTOR_NAME));
                    });
        }
        for (int i = 0; i < dense.size(); i++) {
            assertThat(dense.get(i)).hasSize(TRUNCATE);
            float[] expected = MatryoshkaPrefix.of(dense.get(i), PREFIX);
            for (int d = 0; d < PREFIX; d++) {
                assertThat(prefix.get(i)[d]).isCloseTo(expected[d], within(1e-5f));
            }
        }
        return dense.size();
    }

    private static Configuration queryConf(String collection) {
        Configuration conf = new Configuration();
        conf.set(QdrantOptions.URL, PIPELINE.qdrantUrl());
        conf.set(QdrantOptions.COLLECTION, collection);
        return conf;
    }

    private static List<QueryResult.Hit> search(Configuration conf, SearchRequest.Mode mode) {
        try (QueryCore core =
                QueryCore.open(
                        QuerySettings.from(conf, QDRANT.connection()), QDRANT.connection())) {
            QueryResult r = core.run(core.query("q", QUERY, mode, 10, false));
            assertThat(r.error()).isNull();
            assertThat(r.hits()).hasSize(10);
            return r.hits();
        }
    }

    private static List<String> ids(List<QueryResult.Hit> hits) {
        return hits.stream().map(QueryResult.Hit::docId).toList();
    }
}
