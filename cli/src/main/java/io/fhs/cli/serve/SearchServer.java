package io.fhs.cli.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fhs.jobs.query.QueryCore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search page and its JSON API on the JDK's HTTP server: {@code /} (the page, with {@code
 * /app.js} and {@code /style.css}), {@code /search}, {@code /compare}, {@code /health}. Handlers
 * never wait for a search: they hand it to {@link SearchApi}'s engine thread, which answers when
 * done, so a few HTTP threads with a bounded queue serve every request.
 */
public final class SearchServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGES = "/io/fhs/cli/serve/";
    private static final int HTTP_THREADS = 4;
    private static final int HTTP_QUEUE = 64;

    private record Page(byte[] body, String contentType) {}

    private final Map<String, Page> pages;
    private final SearchApi api;
    private final HttpServer http;
    private final ThreadPoolExecutor httpThreads;

    private SearchServer(Map<String, Page> pages, SearchApi api, HttpServer http) {
        this.pages = pages;
        this.api = api;
        this.http = http;
        // Past the queue, the accepting thread handles the request itself: it stops accepting
        // for that long, which is the back-pressure wanted, and nothing grows without bound.
        this.httpThreads =
                new ThreadPoolExecutor(
                        HTTP_THREADS,
                        HTTP_THREADS,
                        0,
                        TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(HTTP_QUEUE),
                        r -> {
                            Thread t = new Thread(r, "fhs-serve-http");
                            t.setDaemon(true);
                            return t;
                        },
                        new ThreadPoolExecutor.CallerRunsPolicy());
        http.setExecutor(httpThreads);
        http.createContext("/", this::handle);
    }

    /**
     * Serves {@code engine} on {@code host:port} (port 0: any free one) with at most {@code queue}
     * searches waiting for the engine. The caller keeps the engine and closes it after this.
     */
    public static SearchServer start(QueryCore engine, String host, int port, int queue) {
        Map<String, Page> pages =
                Map.of(
                        "/", page("index.html", "text/html; charset=utf-8"),
                        "/app.js", page("app.js", "text/javascript; charset=utf-8"),
                        "/style.css", page("style.css", "text/css; charset=utf-8"));
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (BindException e) {
            throw new ServeException(
                    "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ServeException("cannot start the HTTP server: " + e.getMessage(), e);
        }
        SearchServer server = new SearchServer(pages, new SearchApi(engine, queue), http);
        http.start();
        LOG.info("Serving collection {} on {}", engine.settings().collection(), server.url());
        return server;
    }

    private static Page page(String name, String contentType) {
        try (InputStream in = SearchServer.class.getResourceAsStream(PAGES + name)) {
            if (in == null) {
                throw new ServeException(
                        "page file " + PAGES + name + " is not on the classpath", null);
            }
            return new Page(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new ServeException("cannot read page file " + PAGES + name, e);
        }
    }

    /** The address it serves, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort() + "/";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        try {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                sendError(ex, 405, "method " + ex.getRequestMethod() + " not allowed; use GET");
                return;
            }
            String path = ex.getRequestURI().getPath();
            Page page = pages.get(path.equals("/index.html") ? "/" : path);
            if (page != null) {
                send(ex, 200, page.contentType(), page.body());
                return;
            }
            Map<String, String> params = SearchParams.decode(ex.getRequestURI().getRawQuery());
            switch (path) {
                case "/health" -> sendJson(ex, 200, api.health());
                case "/search" -> answerLater(ex, api.search(params));
                case "/compare" -> answerLater(ex, api.compare(params));
                default -> sendError(ex, 404, "no such page: " + path);
            }
        } catch (ApiException e) {
            sendError(ex, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Request {} failed", ex.getRequestURI().getPath(), e);
            sendError(ex, 500, "internal error: " + e.getMessage());
        }
    }

    private void answerLater(HttpExchange ex, CompletableFuture<ObjectNode> answer) {
        answer.whenCompleteAsync(
                (body, error) -> {
                    if (error == null) {
                        sendJson(ex, 200, body);
                        return;
                    }
                    Throwable cause =
                            error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof ApiException e) {
                        sendError(ex, e.status(), e.getMessage());
                    } else if (cause instanceof TimeoutException) {
                        sendError(ex, 503, "the search took too long; try again");
                    } else {
                        LOG.warn("Search {} failed", ex.getRequestURI(), cause);
                        sendError(ex, 500, "internal error: " + cause.getMessage());
                    }
                },
                httpThreads);
    }

    private static void sendError(HttpExchange ex, int status, String message) {
        sendJson(ex, status, JSON.createObjectNode().put("error", message));
    }

    private static void sendJson(HttpExchange ex, int status, ObjectNode body) {
        send(
                ex,
                status,
                "application/json; charset=utf-8",
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Content-Type", contentType);
            h.set("Cache-Control", "no-store");
            h.set("X-Content-Type-Options", "nosniff");
            // The page loads its own script and style only: no inline code, nothing from elsewhere.
            h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // The client went away; nothing to answer.
            LOG.debug("Could not answer {}: {}", ex.getRequestURI(), e.getMessage());
        }
    }

    /**
     * Stops taking searches, lets the queued ones answer, then stops the HTTP server (waiting up to
     * a second for open exchanges). The engine stays open: its owner closes it.
     */
    @Override
    public void close() {
        try {
            api.close();
        } finally {
            http.stop(1);
            httpThreads.shutdown();
        }
    }
}
