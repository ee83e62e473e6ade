package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.cli.eval.EvalRunner;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.testing.ChildProcess;
import io.fhs.connectors.testing.Poll;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.config.ConfigLoader;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bin/fhs serve} end to end: 200 CACM documents through the ingest graph into a real Qdrant,
 * bin/fhs serve as a process on conf/query.yaml, its JSON API checked against the query engine, and
 * its page driven in headless Chromium (Playwright, {@code src/test/js/serve-page.mjs}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().slots(1).withoutKafka().build();

    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final Path ROOT = TestData.root();
    static final Path CACM = TestData.cacm();
    static final Path PLAYWRIGHT = ROOT.resolve(".local/node/node_modules/playwright-core");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String COLLECTION = "serve-cacm-200";
    static final ObjectMapper JSON = new ObjectMapper();
    // A document whose text and title are markup: the page must show them as written.
    static final TextRecord PROBE =
            new TextRecord(
                    "html-probe",
                    "<i>Probe</i>",
                    "<img src=x onerror=alert(1)> <b>Markup</b> in a document shows as written.");
    static final String PROBE_QUERY = "document markup";

    static String query;
    static ChildProcess serve;
    static String url;
    static QueryCore direct;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        List<TextRecord> docs =
                new ArrayList<>(JsonLines.read(CACM.resolve("corpus.jsonl")).subList(0, 200));
        docs.add(PROBE);
        Configuration ingest = new Configuration();
        ingest.set(QdrantOptions.COLLECTION, COLLECTION);
        ingest.set(QdrantOptions.URL, qdrantUrl());
        try (EvalRunner runner = new EvalRunner(ingest)) {
            assertThat(runner.ingest(docs, -1, ProgressLine.off()))
                    .isGreaterThanOrEqualTo(docs.size());
        }
        // CACM query 19, "Parallel algorithms".
        query =
                JsonLines.read(CACM.resolve("queries.jsonl")).stream()
                        .filter(q -> q.id().equals("19"))
                        .findFirst()
                        .orElseThrow()
                        .text();
        // As bin/fhs serve reads it. Client-side fusion orders RRF ties the same way every time,
        // so that two searches for the same query rank alike.
        Configuration conf =
                ConfigLoader.load(
                        ROOT.resolve("conf/query.yaml"),
                        Map.of(
                                "qdrant.url",
                                qdrantUrl(),
                                "qdrant.collection",
                                COLLECTION,
                                "query.client-fusion",
                                "true",
                                "query.deadline",
                                "2 s"));
        direct = QueryCore.open(conf);
        serve = startServe();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * {@code bin/fhs serve} as a user runs it (the jar the package phase built, no rebuild), on a
     * free port; returns once it prints the address it serves.
     */
    static ChildProcess startServe() throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(
                        ROOT.resolve("bin/fhs").toString(),
                        "serve",
                        "--port",
                        "0",
                        "-D",
                        "qdrant.url=" + qdrantUrl(),
                        "-D",
                        "qdrant.collection=" + COLLECTION,
                        "-D",
                        "query.client-fusion=true",
                        "-D",
                        "query.deadline=2 s");
        pb.environment().put("FHS_NO_BUILD", "1");
        pb.environment().remove("QDRANT_URL");
        pb.environment().remove("QDRANT_API_KEY");
        TestData.passModelsDir(pb.environment());
        ChildProcess p = ChildProcess.start(pb, Files.createTempFile("fhs-serve", ".log"));
        // "Serving collection C on http://127.0.0.1:PORT/ (Ctrl-C stops)", read from its log, so
        // that neither a silent process nor one that keeps writing can hang the test.
        String line =
                Poll.until(
                        Duration.ofMinutes(2),
                        "bin/fhs serve printing its address",
                        () -> {
                            p.requireAlive("bin/fhs serve");
                            return p.output()
                                    .lines()
                                    .filter(l -> l.startsWith("Serving collection"))
                                    .findFirst()
                                    .orElse("");
                        },
                        l -> !l.isEmpty());
        Matcher m = Pattern.compile(" on (http://\\S+/) ").matcher(line);
        assertThat(m.find()).as("bin/fhs serve said: %s", line).isTrue();
        url = m.group(1);
        return p;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            if (serve != null) {
                // SIGTERM: the command's shutdown hook stops the server and closes its engine.
                serve.stop(Duration.ofSeconds(30));
            }
        } finally {
            if (direct != null) {
                direct.close();
            }
        }
    }

    static String qdrantUrl() {
        return "http://127.0.0.1:" + QDRANT.connection().grpcPort();
    }

    record Response(int status, JsonNode body) {}

    static Response get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url + pathAndQuery.substring(1)))
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), JSON.readTree(r.body()));
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<String> docIds(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("hits").forEach(h -> ids.add(h.get("doc_id").asText()));
        return ids;
    }

    static String name(SearchRequest.Mode m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    /** The answer's hits are the engine's, rank by rank, with snippets and scores. */
    static void assertSameHits(JsonNode answer, QueryResult expected, SearchRequest.Mode mode) {
        assertThat(expected.error()).isNull();
        JsonNode hits = answer.get("hits");
        assertThat(hits).hasSize(expected.hits().size());
        List<String> stems = Snippets.terms(answer.get("query").asText());
        for (int i = 0; i < hits.size(); i++) {
            JsonNode h = hits.get(i);
            QueryResult.Hit want = expected.hits().get(i);
            String at = name(mode) + " rank " + (i + 1);
            assertThat(h.get("rank").asInt()).as(at).isEqualTo(i + 1);
            assertThat(h.get("doc_id").asText()).as(at).isEqualTo(want.docId());
            assertThat(h.get("chunk").asInt()).as(at).isEqualTo(want.chunk());
            assertThat(h.get("score").floatValue()).as(at).isCloseTo(want.score(), offset(1e-6f));
            JsonNode scores = h.get("scores");
            switch (mode) {
                case DENSE -> assertThat(scores.get("dense").floatValue()).isEqualTo(want.score());
                case SPARSE ->
                        assertThat(scores.get("sparse").floatValue()).isEqualTo(want.score());
                case HYBRID -> {
                    assertThat(scores.get("fused").floatValue()).isEqualTo(want.score());
                    // Fused on the client, so both lists' scores are at hand.
                    assertThat(scores.has("dense") || scores.has("sparse")).as(at).isTrue();
                }
            }
            JsonNode snippet = h.get("snippet");
            String text = snippet.get("text").asText();
            assertThat(text).as(at).isNotBlank();
            for (JsonNode span : snippet.get("highlights")) {
                String word = text.substring(span.get(0).asInt(), span.get(1).asInt());
                assertThat(stems)
                        .as(at + ": " + word)
                        .anyMatch(s -> word.toLowerCase().startsWith(s));
            }
        }
        for (String stage : List.of("encode", "search", "rerank", "total")) {
            assertThat(answer.get("timings_ms").get(stage).asLong()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    @Order(1)
    void searchAndCompareRankAsTheQueryCore() throws Exception {
        Response health = get("/health");
        assertThat(health.status()).isEqualTo(200);
        // The physical collection behind the alias, whose models the server encodes with.
        assertThat(health.body().get("collection").asText())
                .startsWith(COLLECTION + "-all-minilm-l6-v2-");
        assertThat(health.body().get("defaults").get("top_k").asInt()).isEqualTo(10);

        List<Query> asked = new ArrayList<>();
        for (SearchRequest.Mode m :
                List.of(
                        SearchRequest.Mode.DENSE,
                        SearchRequest.Mode.SPARSE,
                        SearchRequest.Mode.HYBRID)) {
            Response r = get("/search?q=" + encode(query) + "&mode=" + name(m));
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            assertThat(r.body().get("mode").asText()).isEqualTo(name(m));
            assertSameHits(r.body(), direct.run(direct.query("t", query, m, 10, false)), m);
            assertThat(r.body().get("hits")).hasSize(10);
            asked.add(direct.query("c-" + name(m), query, m, 4, false));
        }
        // The defaults: conf/query.yaml's hybrid top 10; top_k cuts.
        Response plain = get("/search?q=" + encode(query));
        assertThat(plain.body().get("mode").asText()).isEqualTo("hybrid");
        Response three = get("/search?q=" + encode(query) + "&top_k=3&rerank=false&mode=DENSE");
        assertThat(docIds(three.body())).hasSize(3);
        assertThat(docIds(three.body()))
                .isEqualTo(
                        docIds(get("/search?q=" + encode(query) + "&mode=dense").body())
                                .subList(0, 3));

        // /compare runs the three modes as one batch, as runAll does.
        Response compare = get("/compare?q=" + encode(query) + "&top_k=4");
        assertThat(compare.status()).as(compare.body().toString()).isEqualTo(200);
        List<QueryResult> expected = direct.runAll(asked);
        for (int i = 0; i < asked.size(); i++) {
            SearchRequest.Mode m = asked.get(i).mode();
            assertSameHits(compare.body().get(name(m)), expected.get(i), m);
        }
        assertThat(docIds(compare.body().get("dense")))
                .isNotEqualTo(docIds(compare.body().get("sparse")));
    }

    @Test
    @Order(2)
    void badParametersGet400NamingTheParameter() throws Exception {
        String q = "q=" + encode(query);
        Map<String, String> cases =
                Map.ofEntries(
                        Map.entry("/search", "q: expected a non-empty query"),
                        Map.entry("/search?q=+++", "q: expected a non-empty query"),
                        Map.entry(
                                "/search?" + q + "&mode=fuzzy",
                                "mode: expected dense, sparse or hybrid, got \"fuzzy\""),
                        Map.entry(
                                "/search?" + q + "&top_k=ten",
                                "top_k: expected an integer from 1 to 1000, got \"ten\""),
                        Map.entry(
                                "/search?" + q + "&top_k=0",
                                "top_k: expected an integer from 1 to 1000, got 0"),
                        Map.entry(
                                "/search?" + q + "&top_k=1001",
                                "top_k: expected an integer from 1 to 1000, got 1001"),
                        Map.entry(
                                "/search?" + q + "&top_k=4294967297",
                                "top_k: expected an integer from 1 to 1000, got \"4294967297\""),
                        Map.entry(
                                "/search?" + q + "&rerank=yes",
                                "rerank: expected true or false, got \"yes\""),
                        Map.entry(
                                "/search?" + q + "&rerank=true",
                                "rerank: no cross-encoder is configured"),
                        Map.entry("/search?" + q + "&topk=5", "topk: unknown parameter"),
                        Map.entry("/search?" + q + "&q=again", "q: given more than once"),
                        Map.entry("/compare?" + q + "&mode=dense", "mode: unknown parameter"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Response r = get(c.getKey());
            assertThat(r.status()).as(c.getKey()).isEqualTo(400);
            assertThat(r.body().get("error").asText()).as(c.getKey()).startsWith(c.getValue());
        }
        Response missing = get("/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("error").asText()).isEqualTo("no such page: /nothing-here");
        HttpResponse<String> post =
                http.send(
                        HttpRequest.newBuilder(URI.create(url + "search?" + q))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    @Order(3)
    void thePageShowsRankedHighlightedHitsInEveryModeInHeadlessChromium() throws Exception {
        requireBrowserTools();
        Path shots = ROOT.resolve("cli/target");
        Files.createDirectories(shots);
        Path screenshot = shots.resolve("serve-screenshot.png");
        Files.deleteIfExists(screenshot);
        JsonNode page = drivePage(shots);

        assertThat(page.get("errors")).as(page.get("errors").toString()).isEmpty();
        assertThat(page.get("collection").asText()).contains(COLLECTION);
        List<String> stems = Snippets.terms(query);
        for (String mode : List.of("hybrid", "dense", "sparse")) {
            Response api = get("/search?q=" + encode(query) + "&mode=" + mode);
            List<String> shown = new ArrayList<>();
            page.get(mode).forEach(h -> shown.add(h.get("doc_id").asText()));
            assertThat(shown).as(mode).isEqualTo(docIds(api.body()));
            assertThat(shown).as(mode).hasSize(10);
            List<String> marks = new ArrayList<>();
            page.get(mode).forEach(h -> h.get("marks").forEach(m -> marks.add(m.asText())));
            assertThat(marks).as(mode + ": highlighted terms").isNotEmpty();
            assertThat(marks)
                    .as(mode)
                    .allSatisfy(
                            m ->
                                    assertThat(stems)
                                            .anyMatch(
                                                    s -> m.toLowerCase(Locale.ROOT).startsWith(s)));
            page.get(mode)
                    .forEach(
                            h ->
                                    assertThat(h.get("scores").toString())
                                            .as(mode)
                                            .contains(mode.equals("hybrid") ? "fused" : mode));
            JsonNode column = page.get("compare").get(mode);
            assertThat(column).as("compare " + mode).hasSize(10);
            assertThat(column.get(0).asText()).isEqualTo(shown.get(0));
        }
        assertThat(page.get("dense").toString()).isNotEqualTo(page.get("sparse").toString());
        assertThat(page.get("status").asText()).startsWith("hybrid: 10 hits");
        // The probe's markup: shown as text, never as elements.
        JsonNode probe = page.get("probe").get(0);
        assertThat(probe.get("doc_id").asText()).isEqualTo(PROBE.id());
        assertThat(probe.get("title").asText()).isEqualTo(PROBE.title());
        assertThat(page.get("injected").asInt()).isZero();
        assertThat(page.get("literalMarkup").asBoolean()).isTrue();
        // Hovering a hybrid hit marks it in each column that has it, itself included.
        assertThat(page.get("linked").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(page.get("badTopK").asText())
                .isEqualTo("top_k: expected an integer from 1 to 1000, got 0");
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    @Test
    @Order(4)
    void withQdrantDownSearchesGet503AndTheServerRecovers() throws Exception {
        QDRANT.kill();
        try {
            Response down = get("/search?q=" + encode(query));
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body().get("error").asText())
                    .startsWith("search deadline of 2000 ms exceeded after");
        } finally {
            QDRANT.restart();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Response up = get("/search?q=" + encode(query));
        while (up.status() != 200 && System.nanoTime() < deadline) {
            up = get("/search?q=" + encode(query));
        }
        assertThat(up.status()).as(up.body().toString()).isEqualTo(200);
        assertThat(up.body().get("hits")).hasSize(10);
    }

    /** CI must run the browser test, not skip it: a missing tool fails with how to get it. */
    static void requireBrowserTools() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("Debian's chromium (" + CHROMIUM + ")");
        }
        if (!Files.isRegularFile(PLAYWRIGHT.resolve("index.mjs"))) {
            missing.add("playwright-core (" + PLAYWRIGHT + ")");
        }
        try {
            if (ChildProcess.run(Duration.ofSeconds(30), new ProcessBuilder("node", "--version"))
                            .exitCode()
                    != 0) {
                missing.add("node");
            }
        } catch (IOException e) {
            missing.add("node (" + e.getMessage() + ")");
        }
        if (!missing.isEmpty()) {
            fail(
                    "The browser test needs "
                            + String.join(", ", missing)
                            + ": run .ci/install-tools");
        }
    }

    /** Runs serve-page.mjs against the server; what it saw, as it printed it. */
    static JsonNode drivePage(Path shots) throws Exception {
        Path out = Files.createTempFile("serve-page", ".json");
        Path err = Files.createTempFile("serve-page", ".log");
        ProcessBuilder pb =
                new ProcessBuilder(
                                "node",
                                ROOT.resolve("jobs/src/test/js/serve-page.mjs").toString(),
                                url,
                                query,
                                PROBE_QUERY,
                                shots.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        pb.environment().put("FHS_PLAYWRIGHT_CORE", PLAYWRIGHT.toString());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("serve-page.mjs did not finish in 5 minutes: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        String printed = Files.readString(out).strip();
        return JSON.readTree(printed.substring(printed.lastIndexOf('\n') + 1));
    }
}
