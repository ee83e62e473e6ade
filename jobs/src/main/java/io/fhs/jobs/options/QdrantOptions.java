package io.fhs.jobs.options;

import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.jobs.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The Qdrant server and the collection both jobs use: where it is, how to trust and authenticate to
 * it, and the server-side layout the ingest job creates the collection with.
 */
@PublicEvolving
public final class QdrantOptions {
    private QdrantOptions() {}

    /** Not an option: the key stays out of files and command lines, which end up in job args. */
    public static final String API_KEY_ENV = "QDRANT_API_KEY";

    public static final ConfigOption<String> URL =
            ConfigOptions.key("qdrant.url")
                    .stringType()
                    .defaultValue("http://127.0.0.1:6333")
                    .withDescription(
                            "Qdrant URL; https means TLS. Env QDRANT_URL sets it over the file, -D"
                                    + " over both.");
    public static final ConfigOption<String> CA_FILE =
            ConfigOptions.key("qdrant.tls.ca-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file of the CA (or self-signed) certificate that an https Qdrant"
                                    + " server's certificate must chain to; default: the JVM's"
                                    + " trusted CAs.");
    public static final ConfigOption<String> API_KEY_FILE =
            ConfigOptions.key("qdrant.api-key-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A file that holds the Qdrant API key (e.g. a mounted secret); env"
                                    + " QDRANT_API_KEY takes precedence. The key itself never goes"
                                    + " into a configuration file.");
    public static final ConfigOption<String> COLLECTION =
            ConfigOptions.key("qdrant.collection")
                    .stringType()
                    .defaultValue("documents")
                    .withDescription("Qdrant collection; created if missing, checked if present.");
    public static final ConfigOption<CollectionSpec.Quantization> SERVER_QUANTIZATION =
            ConfigOptions.key("qdrant.quantization")
                    .enumType(CollectionSpec.Quantization.class)
                    .defaultValue(CollectionSpec.Quantization.NONE)
                    .withDescription(
                            "Server-side quantization of the dense vectors, Qdrant's index over the"
                                    + " stored ones: NONE, SCALAR (int8, 4x smaller in RAM) or"
                                    + " BINARY (32x smaller); searches rescore with the stored"
                                    + " vectors. The client-side quantization of the stored"
                                    + " vectors themselves is the ingest job's quantization.");
    public static final ConfigOption<Boolean> SERVER_QUANTIZATION_ALWAYS_RAM =
            ConfigOptions.key("qdrant.quantization.always-ram")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Keep the server-side quantized vectors in RAM even when the stored"
                                    + " ones are on disk.");
    public static final ConfigOption<Integer> MATRYOSHKA_DIM =
            ConfigOptions.key("qdrant.matryoshka-dim")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Also store the first N dimensions of each dense vector, normalized,"
                                    + " as the named vector dense_small, for two-stage search"
                                    + " (query.matryoshka.candidates): a small-vector prefetch,"
                                    + " rescored by the full vector. Needs a Matryoshka-trained"
                                    + " model to help and client quantization NONE; unset: none.");
    public static final ConfigOption<Boolean> ON_DISK =
            ConfigOptions.key("qdrant.on-disk")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Store the original dense vectors on disk (memory-mapped).");
    public static final ConfigOption<Integer> HNSW_M =
            ConfigOptions.key("qdrant.hnsw.m")
                    .intType()
                    .defaultValue(CollectionSpec.DEFAULT_HNSW_M)
                    .withDescription("HNSW graph degree.");
    public static final ConfigOption<Integer> HNSW_EF_CONSTRUCT =
            ConfigOptions.key("qdrant.hnsw.ef-construct")
                    .intType()
                    .defaultValue(CollectionSpec.DEFAULT_HNSW_EF_CONSTRUCT)
                    .withDescription("HNSW candidate list size while building.");
    public static final ConfigOption<List<String>> PAYLOAD_INDEXES =
            ConfigOptions.key("qdrant.payload-indexes")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Payload fields to index as keywords for filtering (doc_id and chunk"
                                    + " always are), e.g. metadata.lang;metadata.source.");
    public static final ConfigOption<Integer> SHARDS =
            ConfigOptions.key("qdrant.shards")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Shards of the collection, spread over the nodes of a Qdrant cluster;"
                                    + " set when the collection is created, checked after.");
    public static final ConfigOption<Integer> REPLICATION_FACTOR =
            ConfigOptions.key("qdrant.replication-factor")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Copies of each shard on different nodes; 2 or more keep the"
                                    + " collection readable and writable while a node is down.");
    public static final ConfigOption<Integer> WRITE_CONSISTENCY_FACTOR =
            ConfigOptions.key("qdrant.write-consistency-factor")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Copies of a shard that must apply a write before Qdrant acknowledges"
                                    + " it, at most qdrant.replication-factor; more is safer and"
                                    + " needs more nodes up to write.");
    public static final ConfigOption<Duration> WRITE_MAX_RETRY_TIME =
            ConfigOptions.key("qdrant.write.max-retry-time")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How long the Qdrant sink retries a streak of transient write failures"
                                    + " (backoff 100 ms doubling to 5 s) before it fails the job;"
                                    + " each restart of the job retries this long again, so the"
                                    + " restart-strategy attempts multiply it.");

    /** The connection to the configured server, with the API key from env or its file. */
    public static QdrantConnection connection(Configuration conf) {
        return QdrantConnection.fromUrl(conf.get(URL), apiKey(conf)).withCaFile(conf.get(CA_FILE));
    }

    private static String apiKey(Configuration conf) {
        String env = System.getenv(API_KEY_ENV);
        if (env != null && !env.isBlank()) {
            return env;
        }
        String file = conf.get(API_KEY_FILE);
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw new ConfigException(API_KEY_FILE.key() + ": cannot read " + file, e);
        }
    }

    /** Checks values early, naming the option and why. */
    public static void sanityCheck(Configuration conf) {
        // Parses the URL and looks for the CA file only; no key is read and nothing connects.
        QdrantConnection parsed;
        try {
            parsed = QdrantConnection.fromUrl(conf.get(URL), null);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL.key() + ": " + e.getMessage(), e);
        }
        try {
            parsed.withCaFile(conf.get(CA_FILE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CA_FILE.key() + ": " + e.getMessage(), e);
        }
        OptionChecks.notBlank(conf, COLLECTION);
        if (conf.getOptional(MATRYOSHKA_DIM).isPresent()) {
            OptionChecks.positive(conf, MATRYOSHKA_DIM);
        }
        OptionChecks.positive(conf, HNSW_M);
        OptionChecks.positive(conf, HNSW_EF_CONSTRUCT);
        OptionChecks.notNegative(conf, WRITE_MAX_RETRY_TIME);
        for (ConfigOption<Integer> o :
                List.of(SHARDS, REPLICATION_FACTOR, WRITE_CONSISTENCY_FACTOR)) {
            OptionChecks.positive(conf, o);
        }
        OptionChecks.atMost(
                conf,
                WRITE_CONSISTENCY_FACTOR,
                conf.get(REPLICATION_FACTOR),
                "no more copies can acknowledge a write than " + REPLICATION_FACTOR.key());
    }

    /** The configured {@link #MATRYOSHKA_DIM}, 0 when unset (no prefix vector). */
    public static int matryoshkaDim(Configuration conf) {
        return conf.getOptional(MATRYOSHKA_DIM).orElse(0);
    }

    /** The collection's shards and replicas these options ask for. */
    public static CollectionSpec.Distribution distribution(Configuration conf) {
        return new CollectionSpec.Distribution(
                conf.get(SHARDS), conf.get(REPLICATION_FACTOR), conf.get(WRITE_CONSISTENCY_FACTOR));
    }
}
