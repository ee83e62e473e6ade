package io.fhs.jobs.sql.qdrant;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * What each column of a {@code qdrant} table holds in a {@code VECTOR_SEARCH} row: a hit is a
 * document at its best chunk, as the query job's results are, so the columns are the payload the
 * query job returns ({@code doc_id}, {@code chunk}, {@code title}, {@code text}, {@code metadata}),
 * the hit's {@code dense_score} and {@code sparse_score} where the search gave them, and vector
 * columns, which come back NULL (points are searched, not read back).
 */
enum SearchColumn {
    DOC_ID(LogicalTypeRoot.VARCHAR),
    CHUNK(LogicalTypeRoot.INTEGER),
    TITLE(LogicalTypeRoot.VARCHAR),
    TEXT(LogicalTypeRoot.VARCHAR),
    METADATA(LogicalTypeRoot.VARCHAR),
    DENSE_SCORE(LogicalTypeRoot.FLOAT),
    SPARSE_SCORE(LogicalTypeRoot.FLOAT),
    VECTOR(LogicalTypeRoot.ARRAY);

    private final LogicalTypeRoot type;

    SearchColumn(LogicalTypeRoot type) {
        this.type = type;
    }

    /** The physical columns of {@code schema}, each as what it holds; fails on any other. */
    static List<SearchColumn> of(ResolvedSchema schema) {
        List<SearchColumn> out = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            if (c.isPhysical()) {
                out.add(of(c.getName(), c.getDataType().getLogicalType()));
            }
        }
        return out;
    }

    private static SearchColumn of(String name, LogicalType type) {
        if (type.is(LogicalTypeRoot.ARRAY)) {
            return VECTOR;
        }
        SearchColumn column;
        try {
            column = valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "qdrant table column '"
                            + name
                            + "' holds nothing a search returns; columns are doc_id, chunk,"
                            + " title, text, metadata (STRING), dense_score, sparse_score (FLOAT)"
                            + " and vector columns (ARRAY<FLOAT>)",
                    e);
        }
        if (column == VECTOR || !matches(column, type)) {
            throw new ValidationException(
                    "qdrant table column '"
                            + name
                            + "' must be "
                            + (column == CHUNK
                                    ? "INT"
                                    : column.type == LogicalTypeRoot.FLOAT ? "FLOAT" : "STRING")
                            + ", got "
                            + type);
        }
        return column;
    }

    private static boolean matches(SearchColumn column, LogicalType type) {
        return type.is(column.type)
                || (column.type == LogicalTypeRoot.VARCHAR && type.is(LogicalTypeRoot.CHAR));
    }

    /** Serializable list of the row's columns, as the planner ships the function. */
    record Layout(List<SearchColumn> columns) implements Serializable {
        private static final long serialVersionUID = 1L;

        Layout {
            columns = List.copyOf(columns);
        }

        static Layout of(ResolvedSchema schema) {
            return new Layout(SearchColumn.of(schema));
        }

        boolean isVector(int index) {
            return columns.get(index) == VECTOR;
        }

        int size() {
            return columns.size();
        }

        SearchColumn get(int index) {
            return columns.get(index);
        }
    }
}
