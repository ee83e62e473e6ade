package io.fhs.jobs.sql.qdrant;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.query.QueryOptions;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.operators.quantize.VectorQuantization;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.VectorSearchTableSource;
import org.apache.flink.table.connector.source.search.AsyncVectorSearchFunctionProvider;
import org.apache.flink.table.connector.source.search.VectorSearchFunctionProvider;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.functions.AsyncVectorSearchFunction;
import org.apache.flink.table.functions.VectorSearchFunction;

/**
 * The {@code VECTOR_SEARCH} source of a {@code qdrant} table: {@code VECTOR_SEARCH(TABLE t,
 * DESCRIPTOR(embedding), q.embedding, 10)} returns, per query row, the {@code top_k} best documents
 * as the query job ranks them ({@link QdrantSearchCall}), each with the table's columns ({@link
 * SearchColumn}) and the hit's {@code score}.
 *
 * <p>Settings come from the table's {@code search.*} options, and per call from the same keys in
 * the CONFIG map, which the planner hands the source whole; its own keys ({@code async}, {@code
 * timeout}, {@code output-mode}, {@code max-concurrent-operations}) it reads itself. Any other
 * CONFIG key, and any bad value, fails the statement when it is planned.
 */
final class QdrantVectorSearchSource implements VectorSearchTableSource {
    /**
     * The keys the planner reads from the CONFIG map itself (Flink 2.2's
     * VectorSearchRuntimeConfigOptions, in flink-table-api-java, which a connector does not depend
     * on); it passes them on with the rest.
     */
    static final Set<String> PLANNER_KEYS =
            new TreeSet<>(Set.of("async", "timeout", "output-mode", "max-concurrent-operations"));

    private final String table;
    private final Map<String, String> options;
    private final Map<String, String> filter;
    private final SearchColumn.Layout layout;

    private QdrantVectorSearchSource(
            String table,
            Map<String, String> options,
            Map<String, String> filter,
            SearchColumn.Layout layout) {
        this.table = table;
        this.options = options;
        this.filter = filter;
        this.layout = layout;
    }

    static DynamicTableSource create(
            QdrantTableFactory factory, DynamicTableFactory.Context context) {
        FactoryUtil.TableFactoryHelper helper =
                FactoryUtil.createTableFactoryHelper(factory, context);
        helper.validate();
        ReadableConfig table = helper.getOptions();
        String name = context.getObjectIdentifier().asSummaryString();
        Map<String, String> options = new HashMap<>(QdrantTableOptions.connectionKeys(table));
        // The query column is a dense embedding: dense, unless the table asks for more.
        options.put(QueryOptions.MODE.key(), SearchRequest.Mode.DENSE.name());
        for (ConfigOption<?> o : QdrantTableOptions.SEARCH) {
            if (o != QdrantTableOptions.SEARCH_FILTER) {
                table.getOptional(o)
                        .ifPresent(v -> options.put(QdrantTableOptions.queryKey(o), (String) v));
            }
        }
        Map<String, String> filter =
                table.getOptional(QdrantTableOptions.SEARCH_FILTER).orElse(Map.of());
        SearchColumn.Layout layout =
                SearchColumn.Layout.of(context.getCatalogTable().getResolvedSchema());
        QdrantVectorSearchSource source =
                new QdrantVectorSearchSource(name, options, filter, layout);
        source.check(options, "");
        return source;
    }

    /** Parses and checks {@code options} as the query job would, naming the table and key. */
    private void check(Map<String, String> options, String where) {
        Configuration conf = Configuration.fromMap(options);
        try {
            // The stored quantization is read when the function opens; none stands in here.
            QuerySettings.from(conf, VectorQuantization.none());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "qdrant table " + table + where + ": " + searchKeys(e.getMessage()), e);
        }
    }

    /** The query job's messages name its keys; the table's user knows them as search.*. */
    private static String searchKeys(String message) {
        String out = message == null ? "invalid option" : message;
        for (ConfigOption<?> o : QdrantTableOptions.SEARCH) {
            out = out.replace(QdrantTableOptions.queryKey(o), o.key());
        }
        return out;
    }

    @Override
    public VectorSearchRuntimeProvider getSearchRuntimeProvider(VectorSearchContext context) {
        for (int[] column : context.getSearchColumns()) {
            if (column.length != 1 || !layout.isVector(column[0])) {
                throw new ValidationException(
                        "qdrant table " + table + " searches its ARRAY<FLOAT> column only");
            }
        }
        Map<String, String> callOptions = new HashMap<>(options);
        Map<String, String> callFilter = new LinkedHashMap<>(filter);
        applyConfig(context.runtimeConfig().toMap(), callOptions, callFilter);
        check(callOptions, " (VECTOR_SEARCH CONFIG)");
        return new Provider(new QdrantSearchCall(callOptions, callFilter, layout));
    }

    /** The CONFIG map's search.* keys over the table's; other keys than the planner's fail. */
    private void applyConfig(
            Map<String, String> config, Map<String, String> options, Map<String, String> filter) {
        Set<String> plannerKeys = PLANNER_KEYS;
        Map<String, ConfigOption<?>> searchKeys = new HashMap<>();
        QdrantTableOptions.SEARCH.forEach(o -> searchKeys.put(o.key(), o));
        for (Map.Entry<String, String> e : config.entrySet()) {
            ConfigOption<?> o = searchKeys.get(e.getKey());
            if (o == QdrantTableOptions.SEARCH_FILTER) {
                filter.clear();
                filter.putAll(parseFilter(e.getValue()));
            } else if (o != null) {
                options.put(QdrantTableOptions.queryKey(o), e.getValue());
            } else if (!plannerKeys.contains(e.getKey())) {
                throw new ValidationException(
                        "qdrant table "
                                + table
                                + ": unknown VECTOR_SEARCH CONFIG key '"
                                + e.getKey()
                                + "'; the planner takes "
                                + plannerKeys
                                + ", the qdrant source "
                                + new TreeSet<>(searchKeys.keySet()));
            }
        }
    }

    private Map<String, String> parseFilter(String value) {
        try {
            return Configuration.fromMap(Map.of(QdrantTableOptions.SEARCH_FILTER.key(), value))
                    .get(QdrantTableOptions.SEARCH_FILTER);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "qdrant table " + table + ": search.filter is 'field:value,...'", e);
        }
    }

    @Override
    public DynamicTableSource copy() {
        return new QdrantVectorSearchSource(table, options, filter, layout);
    }

    @Override
    public String asSummaryString() {
        return "qdrant";
    }

    /** Both functions: the planner picks by the CONFIG map's {@code async}. */
    private record Provider(QdrantSearchCall call)
            implements VectorSearchFunctionProvider, AsyncVectorSearchFunctionProvider {
        @Override
        public VectorSearchFunction createVectorSearchFunction() {
            return new QdrantVectorSearchFunction(call);
        }

        @Override
        public AsyncVectorSearchFunction createAsyncVectorSearchFunction() {
            return new QdrantAsyncVectorSearchFunction(call);
        }
    }
}
