package io.fhs.jobs.sql.qdrant;

import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.QueryOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    /** The sink's own options. */
    static final List<ConfigOption<?>> SINK = List.of();

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
}
