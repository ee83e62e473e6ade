package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.qdrant.StoredPoints;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.collection.DuplicateOf;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.similarity.SimilarityFunction;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Not part of the test suite (its name matches no test pattern): measures near-duplicate marks on
 * all of CACM, {@code mvn -pl jobs -am verify -Dit.test=CacmDuplicatesMeasurement
 * -Dfhs.dup.out=FILE}. Ingests the corpus in order at threshold 0.9, compares the marks with exact
 * paraphrase mining over the stored vectors and writes figures and 20 sampled pairs to FILE.
 */
class CacmDuplicatesMeasurement {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();
    static final double LOW = 0.9;
    static final double HIGH = 0.95;

    record Point(String docId, int chunk, int order, float[] unit, String text, DuplicateOf mark) {}

    @Test
    void measure() throws Exception {
        List<TextRecord> docs = JsonLines.read(TestData.cacmCorpus());
        Map<String, Integer> order = new HashMap<>();
        docs.forEach(d -> order.put(d.id(), order.size()));
        String topic = "cacm-dups";
        IngestHarness.produce(KAFKA, topic, IngestHarness.documents(topic, docs));
        Configuration conf = IngestHarness.conf(topic, "cacm-dups", QDRANT.connection(), KAFKA);
        conf.set(ModelOptions.SPARSE, "none");
        conf.set(IngestOptions.DUPLICATES_THRESHOLD, LOW);
        long start = System.nanoTime();
        // Parallelism 1: one subtask sees the corpus in order, so "earlier" is the file's order.
        IngestHarness.runBounded(conf, QDRANT.connection(), 1);
        double seconds = (System.nanoTime() - start) / 1e9;

        List<Point> points = read(order);
        points.sort(Comparator.comparingInt(Point::order).thenComparingInt(Point::chunk));
        StringBuilder report = new StringBuilder();
        report.append(
                String.format(
                        "CACM, %d documents, %d chunks, all-MiniLM-L6-v2, ingested in order in"
                                + " %.0f s with ingest.duplicates.threshold %.2f%n%n",
                        docs.size(), points.size(), seconds, LOW));
        for (double t : new double[] {HIGH, LOW}) {
            report.append(figures(points, t));
        }
        report.append(sample(points));
        Path out = Path.of(System.getProperty("fhs.dup.out", "target/dup-sample.md"));
        Files.writeString(out, report);
        System.out.println(report);
        assertThat(points).hasSizeGreaterThan(docs.size());
    }

    static List<Point> read(Map<String, Integer> order) {
        List<Point> points = new ArrayList<>();
        try (QdrantClient client = QDRANT.connection().open()) {
            StoredPoints.scroll(
                    client,
                    "cacm-dups",
                    WithPayloadSelectorFactory.enable(true),
                    true,
                    p -> {
                        Map<String, Value> payload = p.getPayloadMap();
                        String docId = payload.get("doc_id").getStringValue();
                        points.add(
                                new Point(
                                        docId,
                                        (int) payload.get("chunk").getIntegerValue(),
                                        order.get(docId),
                                        DuplicateFinder.unit(StoredPoints.dense(p, "dense")),
                                        payload.get("text").getStringValue(),
                                        mark(payload.get(DuplicateOf.FIELD))));
                    });
        }
        return points;
    }

    static DuplicateOf mark(Value v) {
        if (v == null) {
            return null;
        }
        Map<String, Value> f = v.getStructValue().getFieldsMap();
        return new DuplicateOf(
                f.get("doc_id").getStringValue(),
                (int) f.get("chunk").getIntegerValue(),
                (float) f.get("score").getDoubleValue());
    }

    /**
     * Exact paraphrase mining over the stored vectors (pairs of chunks of different documents at or
     * above {@code t}), the chunks with such an earlier chunk, and the job's marks among them.
     */
    static String figures(List<Point> points, double t) {
        long pairs = 0;
        int expected = 0;
        int agree = 0;
        int marked = 0;
        for (int j = 0; j < points.size(); j++) {
            Point b = points.get(j);
            float best = Float.NEGATIVE_INFINITY;
            String bestDoc = null;
            for (int i = 0; i < j; i++) {
                Point a = points.get(i);
                if (a.docId().equals(b.docId())) {
                    continue;
                }
                float s = SimilarityFunction.DOT.score(a.unit(), b.unit());
                if (s >= t) {
                    pairs++;
                }
                if (s > best) {
                    best = s;
                    bestDoc = a.docId();
                }
            }
            boolean shouldMark = best >= t;
            boolean isMarked = b.mark() != null && b.mark().score() >= t;
            expected += shouldMark ? 1 : 0;
            marked += isMarked ? 1 : 0;
            if (shouldMark && isMarked && b.mark().docId().equals(bestDoc)) {
                agree++;
            }
        }
        return String.format(
                "threshold %.2f: %d pairs by exact paraphrase mining; %d chunks have an earlier"
                        + " chunk of another document that similar; the job marked %d, %d of them"
                        + " with the exact best original%n",
                t, pairs, expected, marked, agree);
    }

    /** 20 marked pairs at or above 0.95, seeded; the rest from 0.90 to 0.95 if too few. */
    static String sample(List<Point> points) {
        Map<String, Point> byId = new HashMap<>();
        points.forEach(p -> byId.put(p.docId() + "#" + p.chunk(), p));
        List<Point> high = new ArrayList<>();
        List<Point> low = new ArrayList<>();
        for (Point p : points) {
            if (p.mark() != null) {
                (p.mark().score() >= HIGH ? high : low).add(p);
            }
        }
        Random random = new Random(15);
        Collections.shuffle(high, random);
        Collections.shuffle(low, random);
        List<Point> chosen = new ArrayList<>(high.subList(0, Math.min(20, high.size())));
        chosen.addAll(low.subList(0, Math.min(20 - chosen.size(), low.size())));
        StringBuilder s = new StringBuilder("\n## Sampled pairs (duplicate, then original)\n");
        for (int i = 0; i < chosen.size(); i++) {
            Point p = chosen.get(i);
            Point o = byId.get(p.mark().docId() + "#" + p.mark().chunk());
            s.append(
                    String.format(
                            "%n### %d. %s#%d duplicate_of %s#%d, score %.4f%n%n- dup: %s%n- orig:"
                                    + " %s%n- verdict: %n",
                            i + 1,
                            p.docId(),
                            p.chunk(),
                            p.mark().docId(),
                            p.mark().chunk(),
                            p.mark().score(),
                            p.text(),
                            o == null ? "(not found)" : o.text()));
        }
        return s.toString();
    }
}
