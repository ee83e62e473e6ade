package io.fhs.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.Poll;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryJob;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every series the Grafana dashboard (conf/grafana/dashboards/fhs.json) queries exists: the ingest
 * and query jobs run on a MiniCluster with Flink's Prometheus reporter, and its endpoint (and
 * Qdrant's /metrics) must serve each metric name the panels name, with the label values they select
 * on.
 */
class DashboardMetricsITCase {
    static final int REPORTER_PORT = freePort();

    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().slots(4).flinkConfiguration(reporter()).build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = TestData.root();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    // A metric selector in PromQL: name{label="value",...}.
    static final Pattern SELECTOR =
            Pattern.compile("\\b((?:flink|grpc|rest|collections?)_[A-Za-z0-9_]+)(\\{([^}]*)\\})?");
    static final Pattern MATCHER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    static Configuration reporter() {
        Configuration c = new Configuration();
        c.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.setString("metrics.reporter.prom.port", Integer.toString(REPORTER_PORT));
        return c;
    }

    @Test
    void everySeriesTheDashboardQueriesIsServed() throws Exception {
        Map<String, Set<String>> wanted = dashboardSelectors();
        assertThat(wanted).isNotEmpty();

        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(QdrantOptions.URL, "http://127.0.0.1:" + QDRANT.connection().grpcPort());
        conf.set(IngestOptions.TOPIC, "metrics-docs");
        conf.set(QdrantOptions.COLLECTION, "metrics");
        conf.set(QueryOptions.TOPIC, "metrics-queries");
        conf.set(QueryOptions.RESULTS_TOPIC, "metrics-results");
        conf.set(QueryOptions.RERANK, true);
        conf.set(ModelOptions.RERANK, TestData.testModel("tiny-cross-encoder").toString());
        List<TextRecord> docs = JsonLines.read(TestData.cacmCorpus()).subList(0, 40);
        produce("metrics-docs", docs.stream().map(TextRecord::toDocumentJson).toList());
        produce("metrics-docs", List.of("{not json"));
        CollectionLayout.prepare(conf);

        List<JobClient> jobs = new ArrayList<>();
        try {
            StreamExecutionEnvironment ingest =
                    StreamExecutionEnvironment.getExecutionEnvironment();
            ingest.setParallelism(1);
            IngestJob.buildFromKafka(ingest, conf, false);
            jobs.add(ingest.executeAsync("fhs-ingest"));
            StreamExecutionEnvironment query = StreamExecutionEnvironment.getExecutionEnvironment();
            query.setParallelism(1);
            QueryJob.buildFromKafka(query, conf, false);
            jobs.add(query.executeAsync("fhs-query"));

            AtomicInteger sent = new AtomicInteger();
            Map<String, List<Map<String, String>>> served =
                    Poll.latest(
                            Duration.ofMinutes(3),
                            () -> {
                                // Queries keep arriving, so the query job's histograms have values.
                                produce(
                                        "metrics-queries",
                                        List.of(
                                                JSON.createObjectNode()
                                                        .put(
                                                                "query_id",
                                                                "q" + sent.getAndIncrement())
                                                        .put("text", "parallel algorithms")
                                                        .toString()));
                                return scrape();
                            },
                            s -> missing(wanted, s).isEmpty());
            Set<String> missing = missing(wanted, served);
            assertThat(missing)
                    .as(
                            "dashboard selectors without a served series (%d names served)",
                            served.size())
                    .isEmpty();
        } finally {
            for (JobClient job : jobs) {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    /** Each selector of the dashboard's queries, as name -> label matchers (quantile aside). */
    static Map<String, Set<String>> dashboardSelectors() throws IOException {
        JsonNode dashboard =
                JSON.readTree(ROOT.resolve("conf/grafana/dashboards/fhs.json").toFile());
        Map<String, Set<String>> selectors = new HashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = SELECTOR.matcher(target.path("expr").asText());
                while (m.find()) {
                    Set<String> labels = new LinkedHashSet<>();
                    if (m.group(3) != null) {
                        Matcher l = MATCHER.matcher(m.group(3));
                        while (l.find()) {
                            if (!l.group(1).equals("quantile")) {
                                labels.add(l.group(1) + "=" + l.group(2));
                            }
                        }
                    }
                    selectors.put(m.group(1) + labels, labels);
                }
            }
        }
        return selectors;
    }

    /** The selectors no served series matches. */
    static Set<String> missing(
            Map<String, Set<String>> wanted, Map<String, List<Map<String, String>>> served) {
        Set<String> missing = new TreeSet<>();
        for (Map.Entry<String, Set<String>> w : wanted.entrySet()) {
            String name = w.getKey().substring(0, w.getKey().indexOf('['));
            boolean found = false;
            for (Map<String, String> labels : served.getOrDefault(name, List.of())) {
                found |=
                        w.getValue().stream()
                                .allMatch(
                                        kv -> {
                                            String[] p = kv.split("=", 2);
                                            return p[1].equals(labels.get(p[0]));
                                        });
            }
            if (!found) {
                missing.add(w.getKey());
            }
        }
        return missing;
    }

    /** Series by name from Flink's reporter and Qdrant's /metrics: name -> each series' labels. */
    static Map<String, List<Map<String, String>>> scrape() throws Exception {
        Map<String, List<Map<String, String>>> series = new HashMap<>();
        for (String url :
                List.of(
                        "http://127.0.0.1:" + REPORTER_PORT + "/metrics",
                        "http://127.0.0.1:" + QDRANT.httpPort() + "/metrics")) {
            HttpResponse<String> r =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(url).isEqualTo(200);
            for (String line : r.body().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                int end = brace >= 0 && brace < space ? brace : space;
                Map<String, String> labels = new HashMap<>();
                if (end == brace) {
                    Matcher l = MATCHER.matcher(line.substring(brace, line.indexOf('}')));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                series.computeIfAbsent(line.substring(0, end), k -> new ArrayList<>()).add(labels);
            }
        }
        return series;
    }

    static void produce(String topic, List<String> values) throws Exception {
        Properties p = KAFKA.clientProperties();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                producer.send(
                        new ProducerRecord<>(topic, null, v.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
