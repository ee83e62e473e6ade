package io.fhs.jobs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.operators.quantize.VectorQuantization;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The query embedding cache inside the encode stage, and batches encoded at once ({@code
 * query.encode.workers}), on the real MiniLM and BM25 encoders.
 */
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

    /** Two workers share one stage: their batches, overlapping texts and all, run at once. */
    @Test
    void batchesEncodedAtOnceGetTheVectorsOfOneByOneEncoding() throws Exception {
        QuerySettings s = settings(1000);
        List<List<QueryWork>> batches = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            List<QueryWork> batch = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                // Every text recurs in other batches, so that the cache is read and written
                // from both threads.
                String text = "query about topic " + ((b * 16 + i) % 40) + " and parsing";
                batch.add(work(s, b + "-" + i, text, SearchRequest.Mode.HYBRID));
            }
            batches.add(batch);
        }
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try (EncodeStage shared = EncodeStage.open(s);
                EncodeStage alone = EncodeStage.open(settings(0))) {
            List<Future<List<QueryWork>>> results = new ArrayList<>();
            for (List<QueryWork> batch : batches) {
                results.add(workers.submit(() -> shared.encode(batch)));
            }
            for (int b = 0; b < batches.size(); b++) {
                List<QueryWork> got = results.get(b).get();
                for (int i = 0; i < got.size(); i++) {
                    QueryWork expected = alone.encode(List.of(batches.get(b).get(i))).get(0);
                    assertThat(got.get(i).queryId()).isEqualTo(expected.queryId());
                    assertThat(got.get(i).dense()).containsExactly(expected.dense(), within(1e-6f));
                    assertThat(got.get(i).sparse()).isEqualTo(expected.sparse());
                }
            }
            assertThat(shared.cache().size()).isEqualTo(40);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void theQueryEncoderRunsOnTheConfiguredIntraOpThreads() {
        Configuration conf = new Configuration();
        conf.set(QueryOptions.ENCODE_THREADS, 3);
        try (EncodeStage defaults = EncodeStage.open(settings(0));
                EncodeStage three =
                        EncodeStage.open(QuerySettings.from(conf, VectorQuantization.none()))) {
            assertThat(defaults.dense().options().intraOpThreads()).isEqualTo(1);
            assertThat(three.dense().options().intraOpThreads()).isEqualTo(3);
        }
    }
}
