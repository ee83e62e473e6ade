package io.fhs.cli;

import io.fhs.cli.local.LocalJobRun;
import io.fhs.cli.progress.IngestBacklog;
import io.fhs.cli.progress.IngestProgress;
import io.fhs.connectors.qdrant.Tombstones;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.IngestJob;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.Connectivity;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fhs ingest}: runs the ingest job on a local Flink (in this JVM). */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Run the ingest job locally, from Kafka into Qdrant.",
            "bin/fhs local up starts both servers. Options come from conf/ingest.yaml;",
            "-D key=value overrides them."
        })
final class IngestCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestCommand.class);

    @Spec CommandSpec spec;

    @Mixin ConfigMixin options;

    @Option(
            names = "--load-corpus",
            paramLabel = "FILE",
            description =
                    "First produce a JSON-lines corpus (BEIR corpus.jsonl works) to the input topic.")
    Path corpus;

    @Option(
            names = "--bounded",
            description =
                    "Stop after reading what the topic holds now (default: run until stopped).")
    boolean bounded;

    @Option(
            names = "--sample-query",
            paramLabel = "TEXT",
            description = "After a bounded run, show the hybrid search hits for this query.")
    String sampleQuery;

    @Option(
            names = "--parallelism",
            description = "Operator parallelism (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int parallelism;

    @Mixin ProgressOptionsMixin progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Configuration conf = options.ingest();
        ModelOptions.checkModels(conf);
        Connectivity.check(conf);
        if (corpus != null) {
            int n = produce(conf, JsonLines.read(corpus));
            out.printf(
                    "Produced %d documents from %s to topic %s%n",
                    n, corpus, conf.get(IngestOptions.TOPIC));
            out.flush();
        }
        StreamExecutionEnvironment env = LocalJobRun.environment(conf, parallelism);
        // The job writes the physical collection behind the alias, even after a reindex moves it.
        IngestJob.buildFromKafka(env, CollectionLayout.prepareWriting(conf), bounded);
        // Taken before the job starts, as the bounded source takes its end offsets.
        long total = bounded ? backlog(conf) : -1;
        out.printf(
                "Ingesting topic %s into collection %s%s%n",
                conf.get(IngestOptions.TOPIC),
                conf.get(QdrantOptions.COLLECTION),
                bounded ? " (until the end of the topic)" : " (Ctrl-C stops)");
        out.flush();
        LocalJobRun.Result run =
                LocalJobRun.run(
                        env,
                        conf,
                        "fhs-ingest",
                        spec.commandLine().getErr(),
                        new IngestProgress(
                                progress.line("ingest", "documents read", "docs/s"), total));
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            long points = Tombstones.countLive(client, conf.get(QdrantOptions.COLLECTION));
            out.printf(
                    "%s in %.1f s: collection %s holds %d points; restarts: %d%n",
                    run.cancelled() ? "Cancelled" : "Done",
                    run.duration().toMillis() / 1e3,
                    conf.get(QdrantOptions.COLLECTION),
                    points,
                    run.restarts());
            if (sampleQuery != null && !run.cancelled()) {
                SampleSearch.print(QdrantOptions.connection(conf), conf, sampleQuery, out);
            }
        }
        out.flush();
        return 0;
    }

    // Without it the progress shows no total and no time left; the job itself does not need it.
    private static long backlog(Configuration conf) {
        try {
            return IngestBacklog.records(conf);
        } catch (IngestBacklog.IngestBacklogException e) {
            LOG.warn("No total for the progress: {}", e.getMessage());
            return -1;
        }
    }

    static int produce(Configuration conf, List<TextRecord> docs) {
        Properties p = KafkaOptions.properties(conf);
        p.put("linger.ms", "10");
        String topic = conf.get(IngestOptions.TOPIC);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (TextRecord d : docs) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                d.id().getBytes(StandardCharsets.UTF_8),
                                d.toDocumentJson().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return docs.size();
    }
}
