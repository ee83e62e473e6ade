package io.fhs.jobs.sql.qdrant;

import io.fhs.jobs.options.QdrantOptions;
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

    /** The sink's own options. */
    static final List<ConfigOption<?>> SINK = List.of();

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
