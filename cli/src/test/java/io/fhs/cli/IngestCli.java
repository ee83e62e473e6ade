package io.fhs.cli;

import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The arguments of {@code fhs ingest} against a test Kafka and Qdrant (run by CliRunner). */
final class IngestCli {
    private IngestCli() {}

    /**
     * The arguments of a bounded {@code ingest} (of {@code corpus}, loaded into the topic first,
     * unless null) whose topic, group, dead-letter topic and collection are all named {@code name};
     * {@code extra} are more arguments, {@code overrides} more {@code -D} options.
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
        args.addAll(List.of("ingest", "--config", TestData.conf("ingest.yaml").toString()));
        if (corpus != null) {
            args.addAll(List.of("--load-corpus", corpus.toString()));
        }
        args.add("--bounded");
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
}
