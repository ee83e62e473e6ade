package io.fhs.jobs.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.operators.quantize.VectorQuantization;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The query embedding cache inside the encode stage, on the real MiniLM and BM25 encoders. */
class EncodeStageCacheTest {
    static QuerySettings settings(int cacheSize) {
        Configuration conf = new Configuration();
        conf.set(QueryOptions.CACHE_SIZE, cacheSize);
        return QuerySettings.from(conf, VectorQuantization.none());
    }

    static QueryWork work(QuerySettings s, String id, String text, SearchRequest.Mode mode) {
        Query q = s.query(id, text);
        return QueryWork.of(Query.of(id, text, mode, q.topK(), false));
    }

    @Test
    void aRepeatedQueryIsAnsweredFromTheCacheWithTheVectorsItWouldGetFresh() {
        QuerySettings s = settings(100);
        try (EncodeStage cached = EncodeStage.open(s);
                EncodeStage fresh = EncodeStage.open(settings(0))) {
            List<QueryWork> first =
                    cached.encode(
                            List.of(
                                    work(s, "1", "time sharing systems", SearchRequest.Mode.HYBRID),
                                    work(s, "2", "parallel sorting", SearchRequest.Mode.DENSE)));
            assertThat(first).noneMatch(QueryWork::encodingCached);
            List<QueryWork> again =
                    cached.encode(
                            List.of(
                                    work(s, "3", "parallel sorting", SearchRequest.Mode.HYBRID),
                                    work(s, "4", "time sharing systems", SearchRequest.Mode.HYBRID),
                                    work(s, "5", "parallel sorting", SearchRequest.Mode.DENSE)));
            // Query 3 needs terms, which the dense-only query 2 did not compute.
            assertThat(again)
                    .extracting(QueryWork::encodingCached)
                    .containsExactly(false, true, true);
            List<QueryWork> reference =
                    fresh.encode(
                            List.of(
                                    work(s, "3", "parallel sorting", SearchRequest.Mode.HYBRID),
                                    work(s, "4", "time sharing systems", SearchRequest.Mode.HYBRID),
                                    work(s, "5", "parallel sorting", SearchRequest.Mode.DENSE)));
            for (int i = 0; i < 3; i++) {
                assertThat(again.get(i).dense()).containsExactly(reference.get(i).dense());
                assertThat(again.get(i).sparse()).isEqualTo(reference.get(i).sparse());
            }
            assertThat(again.get(1).result().toJson()).contains("\"cached_encoding\":true");
            assertThat(reference.get(1).result().toJson()).doesNotContain("cached_encoding");
            assertThat(cached.cache().hits()).isEqualTo(2);
            assertThat(cached.cache().misses()).isEqualTo(3);
            assertThat(fresh.cache().hits()).isZero();
        }
    }
}
