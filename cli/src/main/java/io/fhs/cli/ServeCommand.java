package io.fhs.cli;

import io.fhs.cli.serve.SearchServer;
import io.fhs.jobs.query.QueryCore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhs serve}: the search page and its JSON API over the query job's search. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a search page and a JSON search API over the collection that bin/fhs ingest"
                    + " filled.",
            "GET /search?q=&mode=dense|sparse|hybrid&top_k=&rerank=true|false ranks as bin/fhs"
                    + " search does; GET /compare?q=&top_k= runs the three modes side by side;"
                    + " GET /health; the page is at /. Ctrl-C stops."
        })
final class ServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(
            names = "--queue",
            defaultValue = "32",
            description =
                    "Searches that may wait for the engine; more get 503 (default:"
                            + " ${DEFAULT-VALUE}).")
    int queue;

    @Mixin ConfigMixin options;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port: expected 0 to 65535, got " + port);
        }
        if (queue < 1) {
            throw new IllegalArgumentException(
                    "--queue: expected a positive integer, got " + queue);
        }
        Configuration conf = options.query();
        QueryCore engine = QueryCore.open(conf);
        SearchServer server;
        try {
            server = SearchServer.start(engine, host, port, queue);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: queued searches still answer, then the engine closes.
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        server.close();
                                    } finally {
                                        engine.close();
                                        stopped.countDown();
                                    }
                                },
                                "fhs-serve-stop"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "Serving collection %s on %s (Ctrl-C stops)%n",
                engine.settings().collection(), server.url());
        out.flush();
        stopped.await();
        return 0;
    }
}
