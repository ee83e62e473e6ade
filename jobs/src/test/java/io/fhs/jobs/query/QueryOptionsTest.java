package io.fhs.jobs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fhs.connectors.qdrant.ReadConsistency;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.operators.quantize.Int8Calibration;
import io.fhs.operators.quantize.VectorQuantization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class QueryOptionsTest {
    static final Path CONF = Path.of(System.getProperty("fhs.root", ".."), "conf");

    @Test
    void theShippedConfigGivesTheDocumentedDefaults() {
        Configuration c = ConfigLoader.load(CONF.resolve("query.yaml"), Map.of());
        QuerySettings s = QuerySettings.from(c, VectorQuantization.none());
        assertThat(s.collection()).isEqualTo("documents");
        assertThat(s.mode()).isEqualTo(SearchRequest.Mode.HYBRID);
        assertThat(s.topK()).isEqualTo(10);
        assertThat(s.candidates()).isEqualTo(100);
        assertThat(s.fusion()).isEqualTo(SearchRequest.Fusion.RRF);
        assertThat(s.rrfK()).isEqualTo(60);
        assertThat(s.rerank()).isFalse();
        assertThat(s.rerankModel()).isNull();
        assertThat(s.rerankTopN()).isEqualTo(20);
        assertThat(s.collapse()).isTrue();
        assertThat(s.deadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.fusesOnClient()).isFalse();
        assertThat(s.readConsistency()).isEqualTo(ReadConsistency.ONE);
        assertThat(s.encodeThreads()).isEqualTo(1);
        assertThat(s.encodeWorkers()).isEqualTo(2);
        assertThat(s.rerankThreads()).isEqualTo(1);
        assertThat(s.rerankThreads()).isEqualTo(1);
    }

    /** Search must read the collection ingest wrote, encoded by the same models. */
    @Test
    void sharedKeysEqualThoseOfTheIngestConfig() throws Exception {
        Map<String, String> ingest = keys(CONF.resolve("ingest.yaml"));
        Map<String, String> query = keys(CONF.resolve("query.yaml"));
        for (String k :
                List.of(
                        "kafka.bootstrap-servers",
                        "qdrant.url",
                        "qdrant.collection",
                        "model.dense",
                        "model.sparse",
                        "model.bm25.avg-len",
                        "model.sparse.scope")) {
            assertThat(query.get(k)).as(k).isNotNull().isEqualTo(ingest.get(k));
        }
    }

    private static Map<String, String> keys(Path yaml) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(yaml)) {
            int colon = line.indexOf(": ");
            if (!line.startsWith("#") && colon > 0) {
                out.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip());
            }
        }
        return out;
    }

    @Test
    void badValuesFailEarlyNamingTheOption() {
        Map<String, String> cases =
                Map.of(
                        "query.top-k=0", "query.top-k must be >= 1, got 0",
                        "query.deadline=0 s",
                                "query.deadline must be a positive duration, got PT0S",
                        "query.rerank=true",
                                "query.rerank is true but model.rerank names no cross-encoder",
                        "query.encode.threads=-1", "query.encode.threads must be >= 0, got -1",
                        "query.rerank.threads=-1", "query.rerank.threads must be >= 0, got -1",
                        "query.encode.workers=0", "query.encode.workers must be >= 1, got 0",
                        "query.capacity=20",
                                "query.capacity must be >= query.encode.workers x query.batch-size"
                                        + " = 32, got 20: with fewer queries in flight, no worker"
                                        + " ever gets a full batch",
                        "query.sparse-weight=-1",
                                "query.sparse-weight must be a finite weight >= 0, got -1.0",
                        "query.read-consistency=most",
                                "query.read-consistency: read consistency is majority, quorum,"
                                        + " all or a number >= 1, got 'most'");
        Configuration clientDbsf =
                ConfigLoader.load(
                        null, Map.of("query.client-fusion", "true", "query.fusion", "DBSF"));
        assertThatThrownBy(() -> QuerySettings.from(clientDbsf, VectorQuantization.none()))
                .hasMessage("query.client-fusion fuses by RRF; query.fusion is DBSF");
        cases.forEach(
                (override, message) -> {
                    String[] kv = override.split("=", 2);
                    Configuration c = ConfigLoader.load(null, Map.of(kv[0], kv[1]));
                    assertThatThrownBy(() -> QuerySettings.from(c, VectorQuantization.none()))
                            .as(override)
                            .hasMessage(message);
                });
        Configuration dbsf = ConfigLoader.load(null, Map.of("query.fusion", "DBSF"));
        assertThatThrownBy(
                        () ->
                                QuerySettings.from(
                                        dbsf,
                                        VectorQuantization.int8(
                                                Int8Calibration.fit(
                                                        List.of(
                                                                new float[] {0f, 1f},
                                                                new float[] {1f, 0f})))))
                .hasMessageContaining("query.fusion DBSF misranks int8 collections");
    }

    @Test
    void exactSearchAndClientFusionReachTheRequests() {
        Configuration c = ConfigLoader.load(null, Map.of("query.exact", "true"));
        QuerySettings exact = QuerySettings.from(c, VectorQuantization.none());
        assertThat(exact.fusesOnClient()).isFalse();
        Query q = new Query("q", "t", 10, Map.of(), SearchRequest.Mode.HYBRID, false, 0L);
        QueryWork w =
                QueryWork.of(q)
                        .encoded(
                                new float[] {1f, 0f},
                                new io.fhs.operators.sparse.SparseVector(
                                        new int[] {3}, new float[] {1f}),
                                0);
        try (SearchStage stage = SearchStage.on(exact, null)) {
            SearchRequest r = stage.request(w, 10);
            assertThat(r.exact()).isTrue();
            // Hybrid: three chunks per wanted document, and as deep a prefetch.
            assertThat(r.limit()).isEqualTo(30);
            assertThat(r.candidateLimit()).isEqualTo(100);
            assertThat(r.readConsistency()).isEqualTo(ReadConsistency.ONE);
        }
        Configuration majority =
                ConfigLoader.load(null, Map.of("query.read-consistency", "majority"));
        try (SearchStage stage =
                SearchStage.on(QuerySettings.from(majority, VectorQuantization.none()), null)) {
            assertThat(stage.request(w, 10).readConsistency())
                    .isEqualTo(new ReadConsistency(ReadConsistency.Type.MAJORITY, 0));
        }
        c.set(QueryOptions.CLIENT_FUSION, true);
        assertThat(QuerySettings.from(c, VectorQuantization.none()).fusesOnClient()).isTrue();
        c.set(QueryOptions.CLIENT_FUSION, false);
        c.set(QueryOptions.DENSE_WEIGHT, 2.0);
        assertThat(QuerySettings.from(c, VectorQuantization.none()).fusesOnClient()).isTrue();
    }

    @Test
    void collapsingKeepsEachDocumentsBestChunkInRankOrder() {
        List<QueryResult.Hit> chunks =
                List.of(
                        hit("A", 2, 0.9f),
                        hit("B", 0, 0.8f),
                        hit("A", 0, 0.7f),
                        hit("C", 1, 0.6f),
                        hit("B", 3, 0.5f),
                        hit("D", 0, 0.4f));
        List<QueryResult.Hit> docs = QueryCore.collapse(chunks, 3);
        assertThat(docs)
                .extracting(QueryResult.Hit::docId, QueryResult.Hit::chunk, QueryResult.Hit::score)
                .containsExactly(tuple("A", 2, 0.9f), tuple("B", 0, 0.8f), tuple("C", 1, 0.6f));
        assertThat(QueryCore.collapse(chunks, 10))
                .extracting(QueryResult.Hit::docId)
                .containsExactly("A", "B", "C", "D");
    }

    @Test
    void anEvaluationRowIsTheSameSettingsRankingOtherwise() {
        Configuration c =
                ConfigLoader.load(CONF.resolve("query.yaml"), Map.of("query.rerank-top-n", "8"));
        QuerySettings base = QuerySettings.from(c, VectorQuantization.none());
        QuerySettings row =
                base.ranking(
                        QuerySettings.Ranking.clientRrf(2, 1.0, 0.5), 100, Duration.ofMinutes(2));
        assertThat(row.mode()).isEqualTo(SearchRequest.Mode.HYBRID);
        assertThat(row.rrfK()).isEqualTo(2);
        assertThat(row.sparseWeight()).isEqualTo(0.5);
        assertThat(row.fusesOnClient()).isTrue();
        assertThat(row.topK()).isEqualTo(100);
        assertThat(row.collapse()).isTrue();
        assertThat(row.rerank()).isFalse();
        assertThat(row.deadline()).isEqualTo(Duration.ofMinutes(2));
        // What the row does not rank by stays the configuration's.
        assertThat(row.rerankTopN()).isEqualTo(8);
        assertThat(row.candidates()).isEqualTo(base.candidates());
        assertThat(row.collection()).isEqualTo(base.collection());
        Query q = row.query("q", "text");
        assertThat(q.topK()).isEqualTo(100);
        assertThat(q.mode()).isEqualTo(SearchRequest.Mode.HYBRID);
        assertThat(q.rerank()).isFalse();

        QuerySettings exact =
                base.ranking(
                        new QuerySettings.Ranking(
                                SearchRequest.Mode.DENSE, true, SearchRequest.Fusion.RRF, 60),
                        100,
                        Duration.ofMinutes(2));
        QueryWork w = QueryWork.of(exact.query("q", "t")).encoded(new float[] {1f, 0f}, null, 0);
        try (SearchStage stage = SearchStage.on(exact, null)) {
            SearchRequest r = stage.request(w, 100);
            assertThat(r.mode()).isEqualTo(SearchRequest.Mode.DENSE);
            assertThat(r.exact()).isTrue();
            // Dense: Qdrant groups chunks by document, so the limit counts documents.
            assertThat(r.limit()).isEqualTo(100);
        }

        // An int8 collection refuses DBSF in a row as it does in the options.
        QuerySettings int8 =
                QuerySettings.from(
                        c,
                        VectorQuantization.int8(
                                Int8Calibration.fit(
                                        List.of(new float[] {0f, 1f}, new float[] {1f, 0f}))));
        assertThatThrownBy(
                        () ->
                                int8.ranking(
                                        new QuerySettings.Ranking(
                                                SearchRequest.Mode.HYBRID,
                                                false,
                                                SearchRequest.Fusion.DBSF,
                                                60),
                                        100,
                                        Duration.ofMinutes(2)))
                .hasMessageContaining("query.fusion DBSF misranks int8 collections");
    }

    private static QueryResult.Hit hit(String doc, int chunk, float score) {
        return new QueryResult.Hit(doc, chunk, score, null, null, null, null, null, null);
    }
}
