package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.PointIds;
import io.fhs.connectors.qdrant.QdrantCalls;
import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.collection.StoredQuantization;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import io.fhs.operators.quantize.CalibrationException;
import io.fhs.operators.quantize.Int8Calibration;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The ingest job with client-side int8 and binary quantization, on the first CACM documents. */
class QuantizedIngestITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final String TOPIC = "cacm-300";
    static final int DOCS = 300;
    static final ObjectMapper JSON = new ObjectMapper();
    static List<TextRecord> docs;

    @BeforeAll
    static void produce() throws Exception {
        docs = JsonLines.read(CacmIngestITCase.CACM.resolve("corpus.jsonl")).subList(0, DOCS);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (TextRecord d : docs) {
            String value =
                    JSON.createObjectNode().put("id", d.id()).put("text", d.text()).toString();
            records.add(IngestHarness.record(TOPIC, d.id(), value));
        }
        IngestHarness.produce(KAFKA, TOPIC, records);
    }

    Configuration conf(String collection, String mode) {
        Configuration c = IngestHarness.conf(TOPIC, collection, QDRANT.connection(), KAFKA);
        c.set(IngestOptions.GROUP_ID, "test-" + collection);
        c.setString("quantization", mode);
        c.set(IngestOptions.CALIBRATION_SAMPLES, 200);
        return c;
    }

    @Test
    void int8PointsAreTheQuantizersCodesOfThePlainEncoder() throws Exception {
        Configuration conf = conf("cacm-int8", "int8");
        IngestHarness.runBounded(conf, QDRANT.connection(), 1);

        try (QdrantClient client = QDRANT.connection().open();
                DenseEncoder encoder = DenseEncoder.open("all-MiniLM-L6-v2")) {
            // The ranges stored with the collection are those of the first 200 chunks on the topic.
            List<String> sample =
                    CalibrationSample.chunkTexts(conf, IngestHarness.records(docs, TOPIC), 200);
            assertThat(sample).hasSize(200);
            Int8Calibration expected =
                    Int8Calibration.fit(Arrays.asList(encoder.encode(sample, Role.DOCUMENT)));
            VectorQuantization stored = StoredQuantization.read(client, "cacm-int8").orElseThrow();
            assertThat(stored).isEqualTo(VectorQuantization.int8(expected));

            int codes = 0;
            int offByOne = 0;
            for (int i = 0; i < DOCS; i += 15) {
                TextRecord d = docs.get(i);
                float[] point = read(client, "cacm-int8", d.id());
                // The first chunk: long documents have more than one.
                float[] want =
                        expected.uint8ForQdrant(
                                encoder.encode(text(client, "cacm-int8", d.id()), Role.DOCUMENT));
                for (int k = 0; k < want.length; k++) {
                    float diff = Math.abs(point[k] - want[k]);
                    // Batched and single encodings differ by ~1e-7, which can cross a code edge.
                    assertThat(diff).as("%s dimension %d", d.id(), k).isLessThanOrEqualTo(1f);
                    codes++;
                    offByOne += diff > 0 ? 1 : 0;
                }
            }
            assertThat(offByOne).as("codes off by one of %d", codes).isLessThan(codes / 200);

            // A document's own text, quantized as a query, finds that document first.
            try (QdrantSearcher searcher =
                    new QdrantSearcher(client, "cacm-int8", "dense", "sparse")) {
                for (int i = 7; i < DOCS; i += 73) {
                    float[] q = stored.query(encoder.encode(docs.get(i).text(), Role.DOCUMENT));
                    List<SearchHit> hits = searcher.search(SearchRequest.dense(q, 3)).get();
                    assertThat(hits.get(0).docId()).isEqualTo(docs.get(i).id());
                    assertThat(hits.get(0).score()).as("Euclid distance to itself").isLessThan(2f);
                }
            }
        }
    }

    @Test
    void binaryPointsAreSignsAndSearchesRescoreWithTheFloatQuery() throws Exception {
        Configuration conf = conf("cacm-binary", "binary");
        IngestHarness.runBounded(conf, QDRANT.connection(), 1);
        try (QdrantClient client = QDRANT.connection().open();
                DenseEncoder encoder = DenseEncoder.open("all-MiniLM-L6-v2");
                QdrantSearcher searcher =
                        new QdrantSearcher(client, "cacm-binary", "dense", "sparse")) {
            assertThat(StoredQuantization.read(client, "cacm-binary"))
                    .contains(VectorQuantization.binary());
            TextRecord d = docs.get(42);
            float[] embedding = encoder.encode(text(client, "cacm-binary", d.id()), Role.DOCUMENT);
            float[] point = read(client, "cacm-binary", d.id());
            assertThat(point).containsExactly(VectorQuantization.binary().document(embedding));

            List<SearchHit> hits =
                    searcher.search(
                                    SearchRequest.dense(embedding, 3)
                                            .withSearchParams(128, true, 4.0))
                            .get();
            assertThat(hits.get(0).docId()).isEqualTo(d.id());
            double rescored = 0;
            for (int k = 0; k < embedding.length; k++) {
                rescored += embedding[k] * point[k];
            }
            assertThat((double) hits.get(0).score())
                    .isCloseTo(rescored, org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void aCollectionKeepsItsRangesAndRefusesOthers(@TempDir Path tmp) throws Exception {
        Int8Calibration fromFile =
                new Int8Calibration(filled(384, -0.25f), filled(384, 0.5f / 255f));
        Path file = tmp.resolve("ranges.json");
        fromFile.write(file);
        Configuration conf = conf("cacm-int8-file", "int8");
        conf.setString(IngestOptions.CALIBRATION_FILE.key(), file.toString());
        assertThat(CollectionLayout.prepare(conf)).isEqualTo(VectorQuantization.int8(fromFile));
        // Preparing again (a restart) finds the same ranges without calibrating anew.
        assertThat(CollectionLayout.prepare(conf, List::of))
                .isEqualTo(VectorQuantization.int8(fromFile));

        Path other = tmp.resolve("other.json");
        new Int8Calibration(filled(384, -0.3f), filled(384, 0.5f / 255f)).write(other);
        conf.setString(IngestOptions.CALIBRATION_FILE.key(), other.toString());
        assertThatThrownBy(() -> CollectionLayout.prepare(conf))
                .isInstanceOf(CalibrationException.class)
                .hasMessageContaining("differs from the ranges collection cacm-int8-file");

        Configuration none = conf("cacm-empty", "int8");
        none.set(IngestOptions.TOPIC, "no-such-documents");
        none.set(IngestOptions.CALIBRATION_TIMEOUT, java.time.Duration.ofSeconds(2));
        assertThatThrownBy(() -> CollectionLayout.prepare(none))
                .hasMessageContaining("needs calibration documents, but none arrived");
    }

    static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }

    static String text(QdrantClient client, String collection, String docId) {
        return QdrantCalls.call(
                        "test read",
                        () ->
                                client.retrieveAsync(
                                        collection,
                                        List.of(PointIdFactory.id(PointIds.of(docId, 0))),
                                        true,
                                        false,
                                        null))
                .get(0)
                .getPayloadMap()
                .get("text")
                .getStringValue();
    }

    static float[] read(QdrantClient client, String collection, String docId) {
        var point =
                QdrantCalls.call(
                                "test read",
                                () ->
                                        client.retrieveAsync(
                                                collection,
                                                List.of(PointIdFactory.id(PointIds.of(docId, 0))),
                                                false,
                                                true,
                                                null))
                        .get(0);
        return StoredPoints.dense(point, "dense");
    }
}
