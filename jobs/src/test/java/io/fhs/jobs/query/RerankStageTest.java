package io.fhs.jobs.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.quantize.VectorQuantization;
import io.fhs.operators.rerank.CrossEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Reranking with the project's tiny test cross-encoder. */
class RerankStageTest {
    static final Path MODEL = TestData.testModel("tiny-cross-encoder");
    static final String QUERY = "time sharing systems";
    static final List<String> TEXTS =
            List.of(
                    "paging in virtual memory",
                    "time sharing on a small computer",
                    "a compiler for ALGOL 60",
                    "scheduling time-shared systems",
                    "sorting on magnetic tape",
                    "matrix inversion");

    @Test
    void theTopNAreReorderedByTheCrossEncoderAndTheRestFollowInSearchOrder() {
        Configuration c =
                ConfigLoader.load(
                        null, Map.of("model.rerank", MODEL.toString(), "query.rerank-top-n", "4"));
        List<QueryResult.Hit> hits = new ArrayList<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            hits.add(
                    new QueryResult.Hit(
                            "D" + i, 0, 1f - i / 10f, null, null, null, null, TEXTS.get(i), null));
        }
        Query q = new Query("q", QUERY, 6, Map.of(), SearchRequest.Mode.HYBRID, true, 0L);
        QueryWork searched = QueryWork.of(q).encoded(null, null, 0).searched(hits, 0);

        List<QueryResult.Hit> out;
        try (RerankStage stage =
                RerankStage.open(QuerySettings.from(c, VectorQuantization.none()))) {
            out = stage.rerank(List.of(searched)).get(0).hits();
        }
        float[] expected;
        try (CrossEncoder ce =
                new CrossEncoder(io.fhs.operators.model.ModelLocator.resolve(MODEL.toString()))) {
            List<CrossEncoder.TextPair> pairs = new ArrayList<>();
            for (String t : TEXTS.subList(0, 4)) {
                pairs.add(new CrossEncoder.TextPair(QUERY, t));
            }
            expected = ce.predict(pairs);
        }
        assertThat(out).hasSize(6);
        // The four candidates, by descending cross-encoder score, each carrying it.
        List<QueryResult.Hit> top = out.subList(0, 4);
        assertThat(top)
                .extracting(QueryResult.Hit::docId)
                .containsExactlyInAnyOrder("D0", "D1", "D2", "D3");
        for (int i = 0; i < 4; i++) {
            QueryResult.Hit h = top.get(i);
            int original = Integer.parseInt(h.docId().substring(1));
            assertThat(h.rerankScore())
                    .isCloseTo(expected[original], org.assertj.core.api.Assertions.offset(1e-5f));
            if (i > 0) {
                assertThat(h.rerankScore()).isLessThanOrEqualTo(top.get(i - 1).rerankScore());
            }
        }
        // Below rerank-top-n: the search's order, not reranked.
        assertThat(out.subList(4, 6))
                .extracting(QueryResult.Hit::docId)
                .containsExactly("D4", "D5");
        assertThat(out.subList(4, 6)).allSatisfy(h -> assertThat(h.rerankScore()).isNull());
    }
}
