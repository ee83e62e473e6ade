package io.fhs.jobs.sql.qdrant;

import io.fhs.connectors.qdrant.CollectionBootstrap;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.TimestampType;

/**
 * Where a sink table's parts are in its rows, checked against its schema when the statement is
 * planned: the first primary key column is the document id (STRING), {@code sink.chunk-column} (the
 * other key column, INT) its chunk number, the vector columns by option, every other physical
 * column payload under its own name.
 *
 * @param docId the document id column, or -1
 * @param chunk the chunk number column, or -1 (chunk 0)
 * @param dense the dense vector column, or -1
 * @param sparse the sparse vector column, or -1
 */
record RowLayout(int docId, int chunk, int dense, int sparse, List<PayloadColumn> payload)
        implements Serializable {

    /** The payload value kinds a column can hold. */
    enum ValueType {
        STRING,
        BOOLEAN,
        TINYINT,
        SMALLINT,
        INT,
        BIGINT,
        FLOAT,
        DOUBLE,
        DECIMAL,
        TIMESTAMP,
        STRING_ARRAY
    }

    /** A column written as payload key {@code name}. */
    record PayloadColumn(String name, int index, ValueType type, int precision, int scale)
            implements Serializable {}

    int payloadIndex(String name) {
        for (PayloadColumn c : payload) {
            if (c.name().equals(name)) {
                return c.index();
            }
        }
        return -1;
    }

    /** The layout of {@code schema} under {@code options}; names the option or column at fault. */
    static RowLayout of(ResolvedSchema schema, ReadableConfig options, boolean needsVectors) {
        List<String> names = schema.getColumnNames();
        for (Column c : schema.getColumns()) {
            if (!c.isPhysical()) {
                throw new ValidationException(
                        "A qdrant sink table has physical columns only; '"
                                + c.getName()
                                + "' is computed or metadata");
            }
        }
        List<String> key =
                schema.getPrimaryKey()
                        .orElseThrow(
                                () ->
                                        new ValidationException(
                                                "A qdrant sink table needs a PRIMARY KEY (doc_id)"
                                                        + " or (doc_id, chunk): the point id is"
                                                        + " derived from it"))
                        .getColumns();
        String chunkName = options.getOptional(QdrantTableOptions.SINK_CHUNK_COLUMN).orElse(null);
        int docId =
                names.indexOf(key.get(0).equals(chunkName) ? other(key, chunkName) : key.get(0));
        requireType(schema, docId, LogicalTypeRoot.VARCHAR, "the document id (PRIMARY KEY)");
        int chunk = -1;
        if (chunkName != null) {
            chunk = column(schema, QdrantTableOptions.SINK_CHUNK_COLUMN, chunkName);
            if (!key.contains(chunkName)) {
                throw new ValidationException(
                        "qdrant option 'sink.chunk-column' names column '"
                                + chunkName
                                + "', which must be part of the PRIMARY KEY");
            }
            requireType(schema, chunk, LogicalTypeRoot.INTEGER, "'sink.chunk-column'");
        }
        if (key.size() > (chunk < 0 ? 1 : 2)) {
            throw new ValidationException(
                    "A qdrant sink table's PRIMARY KEY is the document id and, with"
                            + " 'sink.chunk-column', the chunk number; got "
                            + key);
        }
        int dense = -1;
        int sparse = -1;
        if (needsVectors) {
            dense = denseColumn(schema, options);
            sparse = sparseColumn(schema, options);
        }
        return new RowLayout(
                docId, chunk, dense, sparse, payload(schema, docId, chunk, dense, sparse));
    }

    private static String other(List<String> key, String name) {
        return key.stream().filter(k -> !k.equals(name)).findFirst().orElse(name);
    }

    private static int denseColumn(ResolvedSchema schema, ReadableConfig options) {
        String name = options.get(QdrantTableOptions.SINK_DENSE_COLUMN);
        int i = column(schema, QdrantTableOptions.SINK_DENSE_COLUMN, name);
        LogicalType t = type(schema, i);
        if (!(t instanceof ArrayType a)
                || a.getElementType().getTypeRoot() != LogicalTypeRoot.FLOAT) {
            throw new ValidationException(
                    "qdrant option 'sink.dense-column' names column '"
                            + name
                            + "' of type "
                            + t
                            + "; a dense vector column is ARRAY<FLOAT>");
        }
        return i;
    }

    private static int sparseColumn(ResolvedSchema schema, ReadableConfig options) {
        String name = options.getOptional(QdrantTableOptions.SINK_SPARSE_COLUMN).orElse(null);
        if (name == null) {
            return -1;
        }
        int i = column(schema, QdrantTableOptions.SINK_SPARSE_COLUMN, name);
        LogicalType t = type(schema, i);
        if (!(t instanceof MapType m)
                || m.getKeyType().getTypeRoot() != LogicalTypeRoot.INTEGER
                || m.getValueType().getTypeRoot() != LogicalTypeRoot.FLOAT) {
            throw new ValidationException(
                    "qdrant option 'sink.sparse-column' names column '"
                            + name
                            + "' of type "
                            + t
                            + "; a sparse vector column is MAP<INT, FLOAT>");
        }
        return i;
    }

    private static List<PayloadColumn> payload(
            ResolvedSchema schema, int docId, int chunk, int dense, int sparse) {
        List<PayloadColumn> out = new ArrayList<>();
        List<Column> columns = schema.getColumns();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (i == docId || i == chunk || i == dense || i == sparse || !c.isPhysical()) {
                continue;
            }
            if (c.getName().equals(CollectionBootstrap.DOC_ID)
                    || c.getName().equals(CollectionBootstrap.CHUNK)) {
                throw new ValidationException(
                        "Column '"
                                + c.getName()
                                + "' of a qdrant sink table would clash with the payload key the"
                                + " sink sets from the primary key; rename it");
            }
            out.add(payloadColumn(c.getName(), i, c.getDataType().getLogicalType()));
        }
        return List.copyOf(out);
    }

    private static PayloadColumn payloadColumn(String name, int index, LogicalType t) {
        ValueType v =
                switch (t.getTypeRoot()) {
                    case CHAR, VARCHAR -> ValueType.STRING;
                    case BOOLEAN -> ValueType.BOOLEAN;
                    case TINYINT -> ValueType.TINYINT;
                    case SMALLINT -> ValueType.SMALLINT;
                    case INTEGER -> ValueType.INT;
                    case BIGINT -> ValueType.BIGINT;
                    case FLOAT -> ValueType.FLOAT;
                    case DOUBLE -> ValueType.DOUBLE;
                    case DECIMAL -> ValueType.DECIMAL;
                    case TIMESTAMP_WITHOUT_TIME_ZONE -> ValueType.TIMESTAMP;
                    case ARRAY ->
                            ((ArrayType) t).getElementType().getTypeRoot()
                                            == LogicalTypeRoot.VARCHAR
                                    ? ValueType.STRING_ARRAY
                                    : null;
                    default -> null;
                };
        if (v == null) {
            throw new ValidationException(
                    "Column '"
                            + name
                            + "' of a qdrant sink table has type "
                            + t
                            + ", which the sink cannot write as payload (strings, numbers,"
                            + " booleans, DECIMAL, TIMESTAMP and ARRAY<STRING> it can)");
        }
        int precision = 0;
        int scale = 0;
        if (t instanceof DecimalType d) {
            precision = d.getPrecision();
            scale = d.getScale();
        } else if (t instanceof TimestampType ts) {
            precision = ts.getPrecision();
        }
        return new PayloadColumn(name, index, v, precision, scale);
    }

    private static int column(ResolvedSchema schema, ConfigOption<String> option, String name) {
        int i = schema.getColumnNames().indexOf(name);
        if (i < 0 || !schema.getColumns().get(i).isPhysical()) {
            throw new ValidationException(
                    "qdrant option '"
                            + option.key()
                            + "' names column '"
                            + name
                            + "', which the table does not have; its columns: "
                            + schema.getColumnNames());
        }
        return i;
    }

    private static LogicalType type(ResolvedSchema schema, int i) {
        return schema.getColumns().get(i).getDataType().getLogicalType();
    }

    private static void requireType(
            ResolvedSchema schema, int i, LogicalTypeRoot root, String what) {
        LogicalType t = type(schema, i);
        boolean ok =
                root == LogicalTypeRoot.VARCHAR
                        ? t.getTypeRoot() == LogicalTypeRoot.VARCHAR
                                || t.getTypeRoot() == LogicalTypeRoot.CHAR
                        : t.getTypeRoot() == root;
        if (!ok) {
            throw new ValidationException(
                    "Column '"
                            + schema.getColumnNames().get(i)
                            + "' of a qdrant sink table is "
                            + what
                            + " and must be "
                            + (root == LogicalTypeRoot.VARCHAR ? "STRING" : "INT")
                            + ", got "
                            + t);
        }
    }
}
