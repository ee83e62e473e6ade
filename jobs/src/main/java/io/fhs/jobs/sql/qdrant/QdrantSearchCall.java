package io.fhs.jobs.sql.qdrant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import io.fhs.jobs.query.QueryWork;
import io.fhs.jobs.query.SearchStage;
import io.fhs.jobs.sql.HybridQueryFunction;
import io.qdrant.client.QdrantClient;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;

/**
 * One {@code VECTOR_SEARCH} call on a {@code qdrant} table, for the sync and the async function
 * alike: the query job's search stage ({@link SearchStage}: dense, sparse or hybrid prefetch with
 * RRF/DBSF, chunks collapsed to documents, retries bounded by {@code search.deadline}) on the
 * settings the table and the CONFIG map give. Serializable; {@link #open} makes the client.
 */
final class QdrantSearchCall implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The jobs' option keys ({@code qdrant.*}, {@code query.*}): no API key, only its file. */
    private final Map<String, String> options;

    private final Map<String, String> filter;
    private final SearchColumn.Layout layout;

    private transient QuerySettings settings;
    private transient QdrantClient client;
    private transient SearchStage stage;

    QdrantSearchCall(
            Map<String, String> options, Map<String, String> filter, SearchColumn.Layout layout) {
        this.options = Map.copyOf(options);
        this.filter = Map.copyOf(filter);
        this.layout = layout;
    }

    /** The options as the jobs read them. */
    Configuration configuration() {
        return Configuration.fromMap(options);
    }

    void open() {
        Configuration conf = configuration();
        // The API key is read here, on the task manager, from its environment or file.
        QdrantConnection qdrant = QdrantOptions.connection(conf);
        settings = QuerySettings.from(conf, qdrant);
        client = qdrant.open();
        stage = SearchStage.on(settings, client);
    }

    /** The hits for the query vector in column 0 of {@code query}, best first; never blocks. */
    CompletableFuture<Collection<RowData>> search(int topK, RowData query) {
        if (query == null || query.isNullAt(0)) {
            return CompletableFuture.completedFuture(List.of());
        }
        QueryWork work;
        try {
            work = encoded(topK, query.getArray(0).toFloatArray());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new VectorSearchException("qdrant VECTOR_SEARCH: " + e.getMessage(), e));
        }
        return stage.search(work).thenApply(this::rows);
    }

    private QueryWork encoded(int topK, float[] vector) {
        SearchRequest.Mode mode = settings.mode();
        Query q = new Query("sql", null, topK, filter, mode, false, System.currentTimeMillis());
        if (mode == SearchRequest.Mode.DENSE && !HybridQueryFunction.isPacked(vector)) {
            return QueryWork.of(q).encoded(vector, null, 0);
        }
        // One query script serves every mode: a dense search reads the packed query's dense part.
        HybridQueryFunction.Packed packed = HybridQueryFunction.unpack(vector);
        return QueryWork.of(q).encoded(packed.dense(), packed.sparse(), 0);
    }

    private Collection<RowData> rows(QueryWork searched) {
        if (searched.failed()) {
            throw new VectorSearchException(
                    "qdrant VECTOR_SEARCH on " + settings.collection() + ": " + searched.error());
        }
        List<RowData> out = new ArrayList<>(searched.hits().size());
        for (QueryResult.Hit h : searched.hits()) {
            out.add(row(h));
        }
        return out;
    }

    /** The table's columns, then the score VECTOR_SEARCH appends. */
    private RowData row(QueryResult.Hit h) {
        GenericRowData row = new GenericRowData(layout.size() + 1);
        for (int i = 0; i < layout.size(); i++) {
            row.setField(i, field(layout.get(i), h));
        }
        row.setField(layout.size(), (double) h.score());
        return row;
    }

    private static Object field(SearchColumn column, QueryResult.Hit h) {
        return switch (column) {
            case DOC_ID -> StringData.fromString(h.docId());
            case CHUNK -> h.chunk();
            case TITLE -> string(h.title());
            case TEXT -> string(h.text());
            case METADATA -> h.metadata() == null ? null : StringData.fromString(json(h));
            case DENSE_SCORE -> h.denseScore();
            case SPARSE_SCORE -> h.sparseScore();
            case VECTOR -> null;
        };
    }

    private static StringData string(String s) {
        return s == null ? null : StringData.fromString(s);
    }

    private static String json(QueryResult.Hit h) {
        try {
            return JSON.writeValueAsString(h.metadata());
        } catch (JsonProcessingException e) {
            throw new VectorSearchException("metadata of " + h.docId() + " is not JSON", e);
        }
    }

    void close() {
        try {
            if (stage != null) {
                stage.close();
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }
}
