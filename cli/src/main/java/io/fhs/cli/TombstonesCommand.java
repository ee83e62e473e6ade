package io.fhs.cli;

import io.fhs.connectors.qdrant.Tombstones;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fhs tombstones}: how many delete tombstones ({@code ingest.delete-tombstones}) the
 * collection holds, and, with {@code --purge-older-than}, deletes those written before then.
 */
@Command(
        name = "tombstones",
        mixinStandardHelpOptions = true,
        description =
                "Count the collection's delete tombstones (ingest.delete-tombstones); purge those"
                        + " older than a duration.")
final class TombstonesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigMixin options;

    @Option(
            names = "--purge-older-than",
            paramLabel = "DURATION",
            description =
                    "Delete the tombstones written more than this long ago, e.g. 7d or 12h (after"
                            + " that, an older version of those documents could come back).")
    String purgeOlderThan;

    @Override
    public Integer call() {
        Configuration conf = options.ingest();
        String collection = conf.get(QdrantOptions.COLLECTION);
        PrintWriter out = spec.commandLine().getOut();
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            if (purgeOlderThan != null) {
                Duration age = TimeUtils.parseDuration(purgeOlderThan);
                long purged = Tombstones.purge(client, collection, Instant.now().minus(age));
                out.printf("Purged %d tombstones older than %s%n", purged, purgeOlderThan);
            }
            out.printf(
                    "Collection %s holds %d tombstones and %d other points%n",
                    collection,
                    Tombstones.count(client, collection),
                    Tombstones.countLive(client, collection));
        }
        return 0;
    }
}
