package io.fhs.jobs.cli;

import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs {@code fhs ingest} in process against a test Kafka and Qdrant. */
final class IngestCli {
    static final Path ROOT = Path.of(System.getProperty("fhs.root", ".."));

    /** A running in-process command line whose output can be read while it runs. */
    record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {}

    private IngestCli() {}

    static Running start(String... args) {
        CommandLine cli = Fhs.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Running(CompletableFuture.supplyAsync(() -> cli.execute(args)), out, err);
    }

    /**
     * The arguments of a bounded {@code ingest} of {@code corpus} whose topic, group, dead-letter
     * topic and collection are all named {@code name}; {@code extra} are more arguments.
     */
    static String[] ingest(
            KafkaCluster kafka,
            QdrantServer qdrant,
            String name,
            Path corpus,
            List<String> extra,
            String... overrides) {
        QdrantConnection q = qdrant.connection();
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        "ingest",
                        "--config",
                        ROOT.resolve("conf/ingest.yaml").toString(),
                        "--load-corpus",
                        corpus.toString(),
                        "--bounded"));
        args.addAll(extra);
        for (String kv :
                Stream.concat(
                                Stream.of(
                                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                                        "qdrant.url=http://" + q.host() + ":" + q.grpcPort(),
                                        "ingest.topic=" + name,
                                        "ingest.dead-letter-topic=" + name + "-dlq",
                                        "ingest.group-id=" + name,
                                        "qdrant.collection=" + name),
                                Stream.of(overrides))
                        .toList()) {
            args.add("-D");
            args.add(kv);
        }
        return args.toArray(String[]::new);
    }

    /** The CACM documents {@code from} (inclusive) to {@code to} (exclusive) as a corpus file. */
    static Path corpus(Path dir, String name, int from, int to) throws Exception {
        try (Stream<String> lines = Files.lines(ROOT.resolve("../shared/data/cacm/corpus.jsonl"))) {
            return Files.write(
                    dir.resolve(name + ".jsonl"), lines.skip(from).limit(to - from).toList());
        }
    }
}
