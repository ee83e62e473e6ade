package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.kafka.RecordOrigin;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.collection.DuplicateOf;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import io.fhs.operators.similarity.SimilarityFunction;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Near-duplicate marks on ingest (ingest.duplicates.threshold) against a real Kafka broker, Qdrant
 * server and the bundled MiniLM, and query.collapse-duplicates over them.
 */
class NearDuplicateITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();
    static final double THRESHOLD = 0.95;

    static final String FRESH =
            "Sourdough bread rises because wild yeast and lactic acid bacteria ferment the flour,"
                    + " producing carbon dioxide and the sour taste bakers prize.";
    static final String UNRELATED =
            "The migration of arctic terns spans both poles, the longest yearly journey of any"
                    + " bird, following winds over the Atlantic.";

    @Test
    void copiesAreMarkedWithTheirOriginalAndQueriesCanLeaveThemOut() throws Exception {
        String collection = PIPELINE.name("dups");
        // One-chunk CACM abstracts: long enough that boilerplate does not make them alike.
        List<TextRecord> originals =
                TestData.cacmDocuments(60).stream()
                        .filter(d -> d.text().length() > 400 && d.text().length() < 900)
                        .toList();
        assertThat(originals).hasSizeGreaterThanOrEqualTo(10);
        TextRecord exactOf = originals.get(0);
        TextRecord nearOf = originals.get(1);
        String near =
                nearOf.text().replaceAll(" the ", " a ")
                        + " This revised version corrects misprints.";
        try (DenseEncoder encoder = DenseEncoder.open("all-MiniLM-L6-v2")) {
            assertThat(cosine(encoder, near, nearOf.text())).isBetween(0.95f, 0.99f);
            assertThat(cosine(encoder, FRESH, UNRELATED)).isLessThan(0.5f);
        }

        ingest(collection, "first", originals);
        ingest(
                collection,
                "second",
                List.of(
                        new TextRecord("exact-copy", null, exactOf.text()),
                        new TextRecord("near-copy", null, near),
                        new TextRecord("fresh", null, FRESH),
                        new TextRecord("fresh-copy", null, FRESH),
                        new TextRecord("unrelated", null, UNRELATED)));

        Map<String, DuplicateOf> marks = marks(collection);
        // Found in the collection, written by the first run.
        assertThat(marks.get("exact-copy").docId()).isEqualTo(exactOf.id());
        assertThat(marks.get("exact-copy").chunk()).isZero();
        assertThat(marks.get("exact-copy").score()).isGreaterThan(0.999f);
        assertThat(marks.get("near-copy").docId()).isEqualTo(nearOf.id());
        assertThat(marks.get("near-copy").score()).isBetween(0.95f, 0.99f);
        // Found among the chunks of the same run, which the sink may not have written yet.
        assertThat(marks.get("fresh-copy").docId()).isEqualTo("fresh");
        assertThat(marks.get("fresh-copy").score()).isGreaterThan(0.999f);
        // The originals, the unrelated documents and the first of the pair carry no mark.
        assertThat(marks.keySet())
                .containsExactlyInAnyOrder("exact-copy", "near-copy", "fresh-copy");

        Configuration conf = queryConf(collection);
        for (SearchRequest.Mode mode : SearchRequest.Mode.values()) {
            for (boolean grouped : List.of(true, false)) {
                conf.set(QueryOptions.COLLAPSE, grouped);
                assertThat(search(conf, false, mode, exactOf.text()))
                        .as("%s, grouped %s", mode, grouped)
                        .contains(exactOf.id(), "exact-copy");
                assertThat(search(conf, true, mode, exactOf.text()))
                        .as("%s, grouped %s, duplicates left out", mode, grouped)
                        .contains(exactOf.id())
                        .doesNotContain("exact-copy");
                assertThat(search(conf, true, mode, FRESH))
                        .as("%s, grouped %s, duplicates left out", mode, grouped)
                        .contains("fresh")
                        .doesNotContain("fresh-copy");
            }
        }
    }

    @Test
    void whenQdrantFailsTheChunksPassUnmarkedExceptForTheRecentOnes() throws Exception {
        Configuration conf = new Configuration();
        conf.set(QdrantOptions.URL, "http://127.0.0.1:" + closedPort());
        conf.set(QdrantOptions.COLLECTION, "nowhere");
        conf.set(IngestOptions.DUPLICATES_THRESHOLD, THRESHOLD);
        conf.set(IngestOptions.DUPLICATES_TIMEOUT, Duration.ofSeconds(1));
        IngestOptions.sanityCheck(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<EncodedChunk> in =
                List.of(
                        chunk("a", new float[] {1, 0, 0, 0}),
                        chunk("b", new float[] {0.99f, 0.1f, 0, 0}),
                        chunk("c", new float[] {0, 1, 0, 0}));
        DataStream<EncodedChunk> marked = IngestJob.markDuplicates(env.fromData(in), conf);
        List<EncodedChunk> out = marked.executeAndCollect(10);

        assertThat(out).extracting(e -> e.chunk().docId()).containsExactly("a", "b", "c");
        assertThat(out.get(0).chunk().payloadJson()).isEqualTo("{\"start\":0}");
        assertThat(out.get(1).chunk().payloadJson())
                .startsWith(
                        "{\"start\":0,\"duplicate_of\":{\"doc_id\":\"a\",\"chunk\":0,\"score\":0.99");
        assertThat(out.get(2).chunk().payloadJson()).isEqualTo("{\"start\":0}");
        assertThat(out)
                .extracting(EncodedChunk::dense)
                .containsExactlyElementsOf(in.stream().map(EncodedChunk::dense).toList());
    }

    static EncodedChunk chunk(String docId, float[] dense) {
        ChunkRecord c =
                new ChunkRecord(
                        docId,
                        ChunkRecord.Kind.UPSERT,
                        0,
                        1,
                        docId,
                        null,
                        "{\"start\":0}",
                        0L,
                        false,
                        -1,
                        RecordOrigin.UNKNOWN);
        return new EncodedChunk(c, dense, null, null);
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static float cosine(DenseEncoder encoder, String a, String b) {
        return SimilarityFunction.COSINE.score(
                encoder.encode(a, Role.DOCUMENT), encoder.encode(b, Role.DOCUMENT));
    }

    /** One bounded run of the ingest job, with duplicate checks, at parallelism 1 (in order). */
    static void ingest(String collection, String run, List<TextRecord> docs) throws Exception {
        String topic = collection + "-" + run;
        IngestHarness.produce(KAFKA, topic, IngestHarness.documents(topic, docs));
        Configuration conf = IngestHarness.conf(topic, collection, QDRANT.connection(), KAFKA);
        conf.set(IngestOptions.DUPLICATES_THRESHOLD, THRESHOLD);
        IngestHarness.runBounded(conf, QDRANT.connection(), 1);
    }

    /** The marks in the collection, by the marked document's id. */
    static Map<String, DuplicateOf> marks(String collection) {
        Map<String, DuplicateOf> out = new HashMap<>();
        try (QdrantClient client = QDRANT.connection().open()) {
            Points.ScrollResponse page =
                    QdrantCalls.call(
                            "test scroll",
                            () ->
                                    client.scrollAsync(
                                            Points.ScrollPoints.newBuilder()
                                                    .setCollectionName(collection)
                                                    .setLimit(1000)
                                                    .setWithPayload(
                                                            WithPayloadSelectorFactory.enable(true))
                                                    .build()));
            for (Points.RetrievedPoint p : page.getResultList()) {
                Value mark = p.getPayloadMap().get(DuplicateOf.FIELD);
                if (mark != null) {
                    Map<String, Value> f = mark.getStructValue().getFieldsMap();
                    out.put(
                            p.getPayloadMap().get("doc_id").getStringValue(),
                            new DuplicateOf(
                                    f.get("doc_id").getStringValue(),
                                    (int) f.get("chunk").getIntegerValue(),
                                    (float) f.get("score").getDoubleValue()));
                }
            }
        }
        return out;
    }

    static Configuration queryConf(String collection) {
        Configuration conf = new Configuration();
        conf.set(QdrantOptions.URL, PIPELINE.qdrantUrl());
        conf.set(QdrantOptions.COLLECTION, collection);
        return conf;
    }

    /** The document ids of the top 5 hits of a query. */
    static List<String> search(
            Configuration conf, boolean collapseDuplicates, SearchRequest.Mode mode, String text) {
        Configuration c = new Configuration(conf);
        c.set(QueryOptions.COLLAPSE_DUPLICATES, collapseDuplicates);
        try (QueryCore core =
                QueryCore.open(QuerySettings.from(c, QDRANT.connection()), QDRANT.connection())) {
            QueryResult r = core.run(core.query("q", text, mode, 5, false));
            assertThat(r.error()).isNull();
            List<String> ids = new ArrayList<>();
            r.hits().forEach(h -> ids.add(h.docId()));
            return ids;
        }
    }
}
