package io.fhs.jobs.sql.qdrant;

import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The {@code WITH} options of a {@code 'connector' = 'qdrant'} table. The connection and collection
 * options are the DataStream jobs' {@code qdrant.*} options ({@link QdrantOptions}) under the same
 * key without the {@code qdrant.} prefix ({@code 'url'}, {@code 'collection'}, ...), so that a
 * collection made by SQL is the one the jobs make and search.
 *
 * <p>Three groups: the common ones (connection, collection), the sink's ({@link #SINK}) and the
 * vector search source's ({@link #SEARCH}); the factory accepts all of them in either role.
 */
@PublicEvolving
public final class QdrantTableOptions {
    private QdrantTableOptions() {}

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .defaultValue(QdrantOptions.URL.defaultValue())
                    .withDescription(QdrantOptions.URL.description().toString());
    public static final ConfigOption<String> COLLECTION =
            ConfigOptions.key("collection")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(QdrantOptions.COLLECTION.description().toString());
    public static final ConfigOption<String> CA_FILE =
            ConfigOptions.key("tls.ca-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(QdrantOptions.CA_FILE.description().toString());
    public static final ConfigOption<String> API_KEY_FILE =
            ConfigOptions.key("api-key-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(QdrantOptions.API_KEY_FILE.description().toString());

    /** Connection and collection: both roles. */
    static final List<ConfigOption<?>> COMMON = List.of(URL, CA_FILE, API_KEY_FILE);

    /** How a sink table treats its changelog ({@link #SINK_CHANGELOG}). */
    public enum SinkChangelog {
        /** Inserts and updates upsert points; deletes remove the document's points. */
        UPSERT,
        /**
         * Only deletes act (they remove the document's points); inserts and updates are ignored.
         */
        DELETES_ONLY
    }

    public static final ConfigOption<String> SINK_DENSE_COLUMN =
            ConfigOptions.key("sink.dense-column")
                    .stringType()
                    .defaultValue("dense")
                    .withDescription(
                            "The ARRAY<FLOAT> column written as the dense vector (named vector"
                                    + " 'dense', as the ingest job writes it).");
    public static final ConfigOption<String> SINK_SPARSE_COLUMN =
            ConfigOptions.key("sink.sparse-column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The MAP<INT, FLOAT> column written as the sparse vector (named"
                                    + " vector 'sparse'); a NULL value writes no sparse vector."
                                    + " Default: no sparse vector.");
    public static final ConfigOption<String> SINK_CHUNK_COLUMN =
            ConfigOptions.key("sink.chunk-column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The INT primary key column holding the chunk number; the point id is"
                                    + " PointIds.of(doc id, chunk). Default: chunk 0, one point per"
                                    + " document.");
    public static final ConfigOption<SinkChangelog> SINK_CHANGELOG =
            ConfigOptions.key("sink.changelog")
                    .enumType(SinkChangelog.class)
                    .defaultValue(SinkChangelog.UPSERT)
                    .withDescription(
                            "UPSERT: inserts and updates upsert points, deletes remove all points"
                                    + " of the row's document. DELETES_ONLY: only deletes act, for"
                                    + " a statement that carries the deletions of a changelog"
                                    + " whose upserts another statement writes.");
    public static final ConfigOption<String> SINK_DENSE_MODEL =
            ConfigOptions.key("sink.dense-model")
                    .stringType()
                    .defaultValue(ModelOptions.DENSE.defaultValue())
                    .withDescription(
                            "The dense model the vectors come from: its dimension and similarity"
                                    + " make the collection (as the ingest job's model.dense).");
    public static final ConfigOption<String> SINK_SPARSE_MODEL =
            ConfigOptions.key("sink.sparse-model")
                    .stringType()
                    .defaultValue(ModelOptions.SPARSE.defaultValue())
                    .withDescription(
                            "The sparse model of sink.sparse-column (bm25 gives the collection's"
                                    + " sparse vector Qdrant's IDF modifier, as the ingest job's"
                                    + " model.sparse).");

    /**
     * The collection layout and write options of {@link QdrantOptions} under their keys without
     * {@code qdrant.}; the sink passes their values to those options, which check and parse them.
     */
    static final List<ConfigOption<?>> LAYOUT =
            List.of(
                    unprefixed(QdrantOptions.SERVER_QUANTIZATION),
                    unprefixed(QdrantOptions.SERVER_QUANTIZATION_ALWAYS_RAM),
                    unprefixed(QdrantOptions.ON_DISK),
                    unprefixed(QdrantOptions.HNSW_M),
                    unprefixed(QdrantOptions.HNSW_EF_CONSTRUCT),
                    unprefixed(QdrantOptions.PAYLOAD_INDEXES),
                    unprefixed(QdrantOptions.SHARDS),
                    unprefixed(QdrantOptions.REPLICATION_FACTOR),
                    unprefixed(QdrantOptions.WRITE_CONSISTENCY_FACTOR),
                    unprefixed(QdrantOptions.WRITE_MAX_RETRY_TIME));

    /** The sink's own options. */
    static final List<ConfigOption<?>> SINK =
            concat(
                    List.of(
                            SINK_DENSE_COLUMN,
                            SINK_SPARSE_COLUMN,
                            SINK_CHUNK_COLUMN,
                            SINK_CHANGELOG,
                            SINK_DENSE_MODEL,
                            SINK_SPARSE_MODEL),
                    LAYOUT);

    /** The {@code qdrant.*} key a table option without the prefix stands for. */
    static String prefixed(String tableKey) {
        return QDRANT_PREFIX + tableKey;
    }

    private static final String QDRANT_PREFIX = "qdrant.";

    private static ConfigOption<String> unprefixed(ConfigOption<?> jobOption) {
        return ConfigOptions.key(jobOption.key().substring(QDRANT_PREFIX.length()))
                .stringType()
                .noDefaultValue()
                .withDescription(
                        jobOption.description().toString()
                                + " Default: "
                                + jobOption.defaultValue()
                                + ".");
    }

    private static List<ConfigOption<?>> concat(
            List<ConfigOption<?>> first, List<ConfigOption<?>> second) {
        List<ConfigOption<?>> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    /** The vector search source's own options. */
    static final List<ConfigOption<?>> SEARCH = List.of();

    static Set<ConfigOption<?>> required() {
        return Set.of(COLLECTION);
    }

    static Set<ConfigOption<?>> optional() {
        Set<ConfigOption<?>> all = new LinkedHashSet<>(COMMON);
        all.addAll(SINK);
        all.addAll(SEARCH);
        return all;
    }
}
