package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.quantize.VectorQuantization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fhs ingest --sample-query} on an int8 and on a binary collection ranks as {@code fhs
 * search} does: both are the query core, which quantizes the query with the collection's stored
 * ranges and rescores binary candidates with the float query.
 */
class SampleQueryITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final int DOCS = 300;
    static final List<String> QUERIES =
            List.of(
                    "time sharing systems",
                    "parsing of programming languages",
                    "matrix inversion algorithms",
                    "computer graphics display");
    // The sample's lines ("  1. 0.0328  CACM-1234  text...") and the search's ("  1. 0.0328 ...
    // CACM-1234#0  title").
    static final Pattern SAMPLE = Pattern.compile("^ {2}(\\d+)\\. (-?\\d+\\.\\d{4}) {2}(\\S+) .*");
    static final Pattern SEARCH =
            Pattern.compile("^ ?(\\d+)\\. (-?\\d+\\.\\d{4}).*? {2}(\\S+)#\\d+ {2}.*");

    @TempDir static Path tmp;

    /** One ranked hit as printed. */
    record Ranked(String score, String docId) {}

    @ParameterizedTest
    @ValueSource(strings = {"int8", "binary"})
    void theSampleQueryRanksAsTheSearchCommand(String quantization) throws Exception {
        String name = "sample-" + quantization;
        CliRunner.Running run =
                CliRunner.start(
                        IngestCli.ingest(
                                KAFKA,
                                QDRANT,
                                name,
                                TestData.cacmCorpusFile(tmp, name, 0, DOCS),
                                List.of("--quiet", "--sample-query", QUERIES.get(0)),
                                "quantization=" + quantization,
                                "quantization.calibration-samples=200"));
        CliRunner.Result ingest = run.await(Duration.ofMinutes(5));
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        String ingestOut = ingest.out();
        assertThat(ingestOut).contains("Query: " + QUERIES.get(0) + " (hybrid, RRF k=60)");

        Configuration conf = ingestConf(name, quantization);
        assertThat(QuerySettings.from(conf, QDRANT.connection()).quantization().mode())
                .isEqualTo(VectorQuantization.Mode.valueOf(quantization.toUpperCase()));
        assertSameRanking(QUERIES.get(0), sample(ingestOut), search(name, QUERIES.get(0)));
        for (String q : QUERIES.subList(1, QUERIES.size())) {
            StringWriter out = new StringWriter();
            SampleSearch.print(QDRANT.connection(), conf, q, new PrintWriter(out, true));
            assertSameRanking(q, sample(out.toString()), search(name, q));
        }
    }

    /** The options the ingest run had, as {@code fhs ingest} loads them. */
    private static Configuration ingestConf(String name, String quantization) {
        Configuration c =
                ConfigLoader.load(
                        TestData.conf("ingest.yaml"),
                        Map.of(
                                "qdrant.url",
                                "http://"
                                        + QDRANT.connection().host()
                                        + ":"
                                        + QDRANT.connection().grpcPort(),
                                "qdrant.collection",
                                name,
                                "quantization",
                                quantization));
        assertThat(c.get(QdrantOptions.COLLECTION)).isEqualTo(name);
        return c;
    }

    /**
     * The same hits with the same scores rank by rank; documents of equal scores (RRF gives the
     * first of one list and the first of the other the same) may come in either order, as Qdrant
     * orders ties arbitrarily, and those tied at the cut may differ.
     */
    private static void assertSameRanking(String query, List<Ranked> sample, List<Ranked> search) {
        assertThat(sample).as(query).hasSize(SampleSearch.HITS);
        assertThat(sample.stream().map(Ranked::score))
                .as(query + ": scores")
                .containsExactlyElementsOf(search.stream().map(Ranked::score).toList());
        String last = sample.get(sample.size() - 1).score();
        for (Ranked r : sample) {
            if (!r.score().equals(last)) {
                assertThat(search).as(query + ": " + r).contains(r);
            }
        }
    }

    private static List<Ranked> sample(String out) {
        return ranked(out.substring(out.lastIndexOf("Query: ")), SAMPLE);
    }

    /** {@code fhs search --top-k 5 TEXT} on the collection, with conf/query.yaml. */
    private static List<Ranked> search(String collection, String text) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "search",
                                "--config",
                                TestData.conf("query.yaml").toString(),
                                "-D",
                                "qdrant.url=http://127.0.0.1:" + QDRANT.connection().grpcPort(),
                                "-D",
                                "qdrant.collection=" + collection,
                                "--top-k",
                                String.valueOf(SampleSearch.HITS)));
        args.add(text);
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(" hits for \"" + text + "\" (hybrid;");
        return ranked(r.out(), SEARCH);
    }

    private static List<Ranked> ranked(String out, Pattern line) {
        List<Ranked> hits = new ArrayList<>();
        for (String l : out.split("\n")) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                assertThat(Integer.parseInt(m.group(1))).as(l).isEqualTo(hits.size() + 1);
                hits.add(new Ranked(m.group(2), m.group(3)));
            }
        }
        return hits;
    }
}
