package io.fhs.jobs.sql.qdrant;

import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

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

    static final String SEARCH_PREFIX = "search.";
    private static final String QUERY_PREFIX = "query.";

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

    /**
     * The vector search source's own options: {@code 'search.X'} is the query job's {@code query.X}
     * ({@link QueryOptions}), parsed and checked by it, so that SQL and the query job rank alike.
     * Only the mode's default differs: the query column of {@code VECTOR_SEARCH} is a dense
     * embedding, so a table searches dense unless it says otherwise.
     */
    public static final ConfigOption<String> SEARCH_MODE =
            search(
                    QueryOptions.MODE,
                    "dense, sparse or hybrid (default dense). Hybrid and sparse"
                            + " take the query built by FHS_HYBRID_QUERY(embedding, sparse).");

    public static final ConfigOption<String> SEARCH_FUSION = search(QueryOptions.FUSION);
    public static final ConfigOption<String> SEARCH_RRF_K = search(QueryOptions.RRF_K);
    public static final ConfigOption<String> SEARCH_CANDIDATES = search(QueryOptions.CANDIDATES);
    public static final ConfigOption<String> SEARCH_DENSE_WEIGHT =
            search(QueryOptions.DENSE_WEIGHT);
    public static final ConfigOption<String> SEARCH_SPARSE_WEIGHT =
            search(QueryOptions.SPARSE_WEIGHT);
    public static final ConfigOption<String> SEARCH_CLIENT_FUSION =
            search(QueryOptions.CLIENT_FUSION);
    public static final ConfigOption<String> SEARCH_EXACT = search(QueryOptions.EXACT);
    public static final ConfigOption<String> SEARCH_COLLAPSE = search(QueryOptions.COLLAPSE);
    public static final ConfigOption<String> SEARCH_DEADLINE = search(QueryOptions.DEADLINE);
    public static final ConfigOption<String> SEARCH_READ_CONSISTENCY =
            search(QueryOptions.READ_CONSISTENCY);
    public static final ConfigOption<Map<String, String>> SEARCH_FILTER =
            ConfigOptions.key("search.filter")
                    .mapType()
                    .noDefaultValue()
                    .withDescription(
                            "Payload equalities every hit must satisfy, as the query job's"
                                    + " per-query filter: 'field:value,field2:value2'.");

    static final List<ConfigOption<?>> SEARCH =
            List.of(
                    SEARCH_MODE,
                    SEARCH_FUSION,
                    SEARCH_RRF_K,
                    SEARCH_CANDIDATES,
                    SEARCH_DENSE_WEIGHT,
                    SEARCH_SPARSE_WEIGHT,
                    SEARCH_CLIENT_FUSION,
                    SEARCH_EXACT,
                    SEARCH_COLLAPSE,
                    SEARCH_DEADLINE,
                    SEARCH_READ_CONSISTENCY,
                    SEARCH_FILTER);

    /** The query option {@code 'search.X'} stands for: {@code query.X}. */
    static String queryKey(ConfigOption<?> searchOption) {
        return QUERY_PREFIX + searchOption.key().substring(SEARCH_PREFIX.length());
    }

    private static ConfigOption<String> search(ConfigOption<?> queryOption) {
        return search(queryOption, queryOption.description().toString());
    }

    private static ConfigOption<String> search(ConfigOption<?> queryOption, String description) {
        // Strings here, typed there: the query options parse and check the values, one way.
        return ConfigOptions.key(SEARCH_PREFIX + queryOption.key().substring(QUERY_PREFIX.length()))
                .stringType()
                .noDefaultValue()
                .withDescription(description + " As " + queryOption.key() + ".");
    }

    static Set<ConfigOption<?>> required() {
        return Set.of(COLLECTION);
    }

    static Set<ConfigOption<?>> optional() {
        Set<ConfigOption<?>> all = new LinkedHashSet<>(COMMON);
        all.addAll(SINK);
        all.addAll(SEARCH);
        return all;
    }

    /**
     * The connection and collection options of {@code table} under the DataStream jobs' keys
     * ({@code qdrant.url}, ...), those set only: what the sink and the source both start from.
     */
    static Map<String, String> connectionKeys(ReadableConfig table) {
        Map<String, String> keys = new HashMap<>();
        keys.put(QdrantOptions.URL.key(), table.get(URL));
        keys.put(QdrantOptions.COLLECTION.key(), table.get(COLLECTION));
        table.getOptional(CA_FILE).ifPresent(v -> keys.put(QdrantOptions.CA_FILE.key(), v));
        table.getOptional(API_KEY_FILE)
                .ifPresent(v -> keys.put(QdrantOptions.API_KEY_FILE.key(), v));
        return keys;
    }
}
