package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.PointIds;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.similarity.SimilarityFunction;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** All of CACM through the ingest job into Qdrant, checked against the plain encoders. */
class CacmIngestITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final Path CACM = TestData.cacm();
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCacmDocumentBecomesSearchablePoints() throws Exception {
        List<TextRecord> docs = JsonLines.read(CACM.resolve("corpus.jsonl"));
        assertThat(docs).hasSize(3_204);
        String topic = "cacm";
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TextRecord d : docs) {
            records.add(
                    IngestHarness.record(
                            topic,
                            d.id(),
                            JSON.createObjectNode()
                                    .put("id", d.id())
                                    .put("text", d.text())
                                    .toString()));
        }
        IngestHarness.produce(KAFKA, topic, records);
        Configuration conf = IngestHarness.conf(topic, "cacm", QDRANT.connection(), KAFKA);
        conf.set(ModelOptions.BM25_AVG_LEN, 60.0);
        IngestHarness.runBounded(conf, QDRANT.connection(), 2);

        long expectedPoints = 0;
        List<Chunk> sample = new ArrayList<>();
        List<String> sampleIds = new ArrayList<>();
        try (Chunker chunker = new Chunker(ModelLocator.resolve("all-MiniLM-L6-v2"), 254, 32)) {
            for (int i = 0; i < docs.size(); i++) {
                List<Chunk> chunks = chunker.chunk(docs.get(i).text());
                expectedPoints += chunks.size();
                if (i % 160 == 0) {
                    Chunk last = chunks.get(chunks.size() - 1);
                    sample.add(last);
                    sampleIds.add(docs.get(i).id());
                }
            }
        }
        try (QdrantClient client = QDRANT.connection().open();
                DenseEncoder encoder = DenseEncoder.open("all-MiniLM-L6-v2")) {
            assertThat(QdrantCalls.call("test count", () -> client.countAsync("cacm", null, true)))
                    .isEqualTo(expectedPoints);
            for (int i = 0; i < sample.size(); i++) {
                Chunk c = sample.get(i);
                String docId = sampleIds.get(i);
                Points.RetrievedPoint p =
                        QdrantCalls.call(
                                        "test read",
                                        () ->
                                                client.retrieveAsync(
                                                        "cacm",
                                                        List.of(
                                                                PointIdFactory.id(
                                                                        PointIds.of(
                                                                                docId, c.index()))),
                                                        true,
                                                        true,
                                                        null))
                                .get(0);
                var vectors = p.getVectors().getVectors().getVectorsMap();
                float[] stored = StoredPoints.dense(p, "dense");
                float[] expected = encoder.encode(c.text(), Role.DOCUMENT);
                assertThat(SimilarityFunction.COSINE.score(stored, expected))
                        .as(sampleIds.get(i))
                        .isGreaterThanOrEqualTo(0.9999f);
                // BM25 describes whole documents: their first chunk carries it.
                if (c.index() == 0) {
                    assertThat(
                                    vectors.get("sparse").getSparse().getIndicesCount()
                                            + vectors.get("sparse").getIndices().getDataCount())
                            .isPositive();
                } else {
                    assertThat(vectors).doesNotContainKey("sparse");
                }
                assertThat(p.getPayloadMap().get("text").getStringValue()).isEqualTo(c.text());
            }

            String query =
                    "What articles exist which deal with TSS (Time Sharing System), an operating system for IBM computers?";
            Set<String> relevant = new HashSet<>();
            for (String line : Files.readAllLines(CACM.resolve("qrels/test.tsv"))) {
                String[] cols = line.split("\t");
                if (cols[0].equals("1")) {
                    relevant.add(cols[1]);
                }
            }
            // Searched as the query job searches: the query core, on the options of this ingest.
            try (QueryCore core =
                    QueryCore.open(
                            QuerySettings.from(conf, QDRANT.connection()), QDRANT.connection())) {
                QueryResult r =
                        core.run(core.query("1", query, SearchRequest.Mode.HYBRID, 10, false));
                assertThat(r.error()).isNull();
                assertThat(r.hits()).hasSize(10);
                assertThat(r.hits())
                        .extracting(QueryResult.Hit::docId)
                        .containsAnyElementsOf(relevant);
            }
        }
    }
}
