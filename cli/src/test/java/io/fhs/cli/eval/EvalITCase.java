package io.fhs.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.cli.CliRunner;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fhs eval --modes all --rerank} end to end on a real Qdrant and a MiniCluster, over the
 * first 600 CACM documents and the queries judged on them.
 */
class EvalITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE = PipelineExtension.builder().withoutKafka().build();

    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final Path ROOT = TestData.root();
    static final Path CACM = TestData.cacm();
    static final int DOCS = 600;

    @Test
    void everyModeIsMeasuredAndExactSearchEqualsBruteForce(@TempDir Path dataset) throws Exception {
        int judged = subset(dataset);
        Map<String, JsonNode> rows =
                eval(
                        dataset,
                        PLOT,
                        "--modes",
                        "all",
                        "--rerank",
                        "-D",
                        "model.rerank="
                                + Path.of(
                                        System.getProperty("fhs.test.models.dir"),
                                        "tiny-cross-encoder"));

        assertThat(rows.keySet())
                .containsExactly(
                        "dense",
                        "dense, rerank top 20",
                        "dense, exact",
                        "dense, exact, rerank top 20",
                        "sparse",
                        "sparse, rerank top 20",
                        "hybrid, RRF k=60",
                        "hybrid, RRF k=60, rerank top 20",
                        "hybrid, RRF k=2",
                        "hybrid, RRF k=2, rerank top 20",
                        "hybrid, DBSF",
                        "hybrid, DBSF, rerank top 20",
                        "hybrid, RRF k=60 client w=1.00/1.00",
                        "hybrid, RRF k=60 client w=1.00/1.00, rerank top 20",
                        "dense, brute force");
        for (Map.Entry<String, JsonNode> e : rows.entrySet()) {
            JsonNode r = e.getValue();
            assertThat(r.get("queries").asInt()).as(e.getKey()).isEqualTo(judged);
            for (String metric : List.of("ndcg@10", "mrr@10", "map@100", "recall@100")) {
                assertThat(r.get(metric).asDouble())
                        .as(e.getKey() + " " + metric)
                        .isBetween(0.05, 1.0);
            }
        }
        // Exact search through Qdrant ranks as a brute-force cosine over the stored vectors.
        for (String metric : List.of("ndcg@10", "map@100", "recall@100")) {
            assertThat(rows.get("dense, exact").get(metric).asDouble())
                    .as(metric)
                    .isCloseTo(rows.get("dense, brute force").get(metric).asDouble(), offset(1e-9));
        }
        // Client-side RRF with equal weights is the server's RRF, up to the order of equal scores.
        assertThat(rows.get("hybrid, RRF k=60 client w=1.00/1.00").get("ndcg@10").asDouble())
                .isCloseTo(rows.get("hybrid, RRF k=60").get("ndcg@10").asDouble(), offset(0.02));
        // Reranking reorders the top 20 only: the 100 documents retrieved stay the same.
        for (String mode : List.of("dense", "sparse", "hybrid, RRF k=60", "hybrid, DBSF")) {
            JsonNode plain = rows.get(mode);
            JsonNode reranked = rows.get(mode + ", rerank top 20");
            assertThat(reranked.get("recall@100").asDouble())
                    .as(mode)
                    .isEqualTo(plain.get("recall@100").asDouble());
            assertThat(reranked.get("ndcg@10").asDouble())
                    .as(mode + ": the tiny random cross-encoder reorders")
                    .isNotEqualTo(plain.get("ndcg@10").asDouble());
        }
    }

    /** Writes the first {@value #DOCS} documents and the queries judged on them; their count. */
    private static int subset(Path dir) throws Exception {
        List<String> corpus = Files.readAllLines(CACM.resolve("corpus.jsonl")).subList(0, DOCS);
        ObjectMapper json = new ObjectMapper();
        Set<String> ids = new HashSet<>();
        for (String line : corpus) {
            ids.add(json.readTree(line).get("_id").asText());
        }
        List<String> qrels = new ArrayList<>();
        Set<String> queries = new HashSet<>();
        List<String> lines = Files.readAllLines(CACM.resolve("qrels/test.tsv"));
        qrels.add(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            if (ids.contains(f[1])) {
                qrels.add(line);
                queries.add(f[0]);
            }
        }
        Files.write(dir.resolve("corpus.jsonl"), corpus);
        Files.copy(CACM.resolve("queries.jsonl"), dir.resolve("queries.jsonl"));
        Files.createDirectories(dir.resolve("qrels"));
        Files.write(dir.resolve("qrels/test.tsv"), qrels);
        assertThat(queries.size()).isGreaterThan(10);
        return queries.size();
    }

    private static final Path PLOT =
            Path.of(System.getProperty("fhs.root", ".."), "cli/target/eval-plot.png");

    @Test
    void aListOfQuantizationsIsOneRowEachAndOneChart(@TempDir Path dataset) throws Exception {
        subset(dataset);
        Path chart = PLOT.resolveSibling("eval-quantizations.png");
        Map<String, JsonNode> rows =
                eval(dataset, chart, "--mode", "dense", "--quantization", "none,int8");
        assertThat(rows.keySet()).containsExactly("dense [none]", "dense [int8]");
        // int8 codes keep the ranking close to float32 (measured on all of CACM: README).
        assertThat(rows.get("dense [int8]").get("ndcg@10").asDouble())
                .isCloseTo(rows.get("dense [none]").get("ndcg@10").asDouble(), offset(0.05));
    }

    @Test
    void mmrAndTwoStageRowsCarryTheirDiversity(@TempDir Path dataset) throws Exception {
        subset(dataset);
        Path chart = PLOT.resolveSibling("eval-diversity.png");
        Map<String, JsonNode> rows =
                eval(dataset, chart, "--mode", "dense", "--mmr", "0.6", "--matryoshka-dim", "64");
        assertThat(rows.keySet())
                .containsExactly("dense", "dense, MMR 0.60", "dense, two-stage 64->full (300)");
        double plain = rows.get("dense").get("ils@10").asDouble();
        double diverse = rows.get("dense, MMR 0.60").get("ils@10").asDouble();
        // Cosines of MiniLM vectors of related abstracts: well above 0, below 1.
        assertThat(plain).isBetween(0.2, 0.9);
        // MMR picks documents less alike (all of CACM, with the NDCG it costs: README).
        assertThat(diverse).isLessThan(plain - 0.1);
        // 300 prefix candidates, rescored by the full vector: close to one-stage search.
        assertThat(rows.get("dense, two-stage 64->full (300)").get("ndcg@10").asDouble())
                .isCloseTo(rows.get("dense").get("ndcg@10").asDouble(), offset(0.05));
    }

    /** {@code fhs eval --json --plot CHART} on the dataset with {@code args}; rows by mode. */
    private static Map<String, JsonNode> eval(Path dataset, Path chart, String... args)
            throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "eval",
                                "--dataset",
                                dataset.toString(),
                                "--config",
                                ROOT.resolve("conf/ingest.yaml").toString(),
                                "--json",
                                "--plot",
                                chart.toString(),
                                "-D",
                                "qdrant.url=http://127.0.0.1:" + QDRANT.connection().grpcPort()));
        command.addAll(List.of(args));
        CliRunner.Result run = CliRunner.run(command.toArray(String[]::new));
        String out = run.out();
        String err = run.err();
        assertThat(run.exitCode()).as(err).isZero();
        // The chart: one bar per mode and metric, drawn beside JSON that stays pure on stdout.
        BufferedImage image = ImageIO.read(chart.toFile());
        assertThat(image.getWidth()).isEqualTo(1100);
        assertThat(image.getHeight()).isGreaterThanOrEqualTo(600);
        assertThat(err).contains("chart written to " + chart);
        // For the record (not asserted): the figures, to compare across changes of the search.
        System.out.println("fhs eval " + String.join(" ", args) + ":\n" + out);
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        for (JsonNode row : new ObjectMapper().readTree(out)) {
            rows.put(row.get("mode").asText(), row);
        }
        return rows;
    }
}
