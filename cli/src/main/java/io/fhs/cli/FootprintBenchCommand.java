package io.fhs.cli;

import io.fhs.cli.bench.StorageFootprint;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.options.QdrantOptions;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fhs bench footprint}: Qdrant memory and disk per point, for every storage mode. */
@Command(
        name = "footprint",
        mixinStandardHelpOptions = true,
        description = {
            "Measure what a point costs Qdrant, in RAM and on disk, for each way of storing the",
            "dense vector: copies of an ingested collection's points (payloads, sparse vectors)",
            "with random dense vectors go into a scratch Qdrant per mode, measured empty and once",
            "everything is indexed. Needs the source collection (bin/fhs quickstart makes cacm)."
        })
final class FootprintBenchCommand implements Callable<Integer> {
    /** Storage modes: the ingest options that make them, applied to the configuration. */
    static final Map<String, Map<String, String>> MODES = modes();

    @Spec CommandSpec spec;

    @Option(
            names = "--points",
            defaultValue = "30000",
            description = "Points per mode (default: ${DEFAULT-VALUE}).")
    long points;

    @Option(
            names = "--from",
            defaultValue = "cacm",
            description = "Collection whose points are copied (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(
            names = "--modes",
            split = ",",
            description = "Modes to measure (default: all): ${COMPLETION-CANDIDATES}.",
            completionCandidates = ModeNames.class)
    List<String> modes;

    @Mixin ConfigMixin options;

    private static Map<String, Map<String, String>> modes() {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        m.put("float32", Map.of());
        m.put("float32-on-disk", Map.of("qdrant.on-disk", "true"));
        m.put("scalar", Map.of("qdrant.quantization", "SCALAR"));
        m.put("scalar-on-disk", Map.of("qdrant.quantization", "SCALAR", "qdrant.on-disk", "true"));
        m.put("binary", Map.of("qdrant.quantization", "BINARY"));
        m.put("binary-on-disk", Map.of("qdrant.quantization", "BINARY", "qdrant.on-disk", "true"));
        m.put("client-int8", Map.of("quantization", "INT8"));
        m.put("client-binary", Map.of("quantization", "BINARY"));
        return m;
    }

    static final class ModeNames extends ArrayList<String> {
        ModeNames() {
            super(MODES.keySet());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> wanted = modes == null ? List.copyOf(MODES.keySet()) : modes;
        for (String mode : wanted) {
            if (!MODES.containsKey(mode)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--modes: unknown mode '" + mode + "' (known: " + MODES.keySet() + ")");
            }
        }
        Configuration conf = options.load(ConfigMixin.INGEST_FILE);
        List<RetrievedPoint> source;
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            source = StorageFootprint.source(client, from);
        }
        if (source.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "--from: collection " + from + " has no points");
        }
        Path home = Path.of(System.getProperty("fhs.home", "."));
        out.printf(
                "%,d points per mode, copied from %s (%,d points)%n%n",
                points, from, source.size());
        out.printf(
                "%-16s %12s %12s %12s %12s %9s %9s%n",
                "mode", "RAM B/pt", "anon B/pt", "mapped B/pt", "disk B/pt", "load s", "index s");
        out.flush();
        for (String mode : wanted) {
            Configuration c = new Configuration(conf);
            MODES.get(mode).forEach(c::setString);
            c.set(QdrantOptions.COLLECTION, "footprint");
            CollectionSpec layout = CollectionLayout.spec(c);
            StorageFootprint.Row r = StorageFootprint.measure(home, mode, layout, source, points);
            out.printf(
                    "%-16s %,12.0f %,12.0f %,12.0f %,12.0f %9.1f %9.1f%n",
                    r.mode(),
                    r.residentBytes(),
                    r.anonBytes(),
                    r.fileBytes(),
                    r.diskBytes(),
                    r.loadSeconds(),
                    r.indexSeconds());
            out.flush();
        }
        return 0;
    }
}
