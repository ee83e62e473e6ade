package io.fhs.jobs.sql.qdrant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.connectors.qdrant.QdrantWrite;
import io.fhs.jobs.sql.qdrant.QdrantTableOptions.SinkChangelog;
import io.fhs.operators.sparse.SparseVector;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.types.RowKind;

/**
 * The Qdrant writes of one row of a {@code qdrant} sink table: an insert or update upserts point
 * {@code PointIds.of(doc id, chunk)} with the other columns as payload; a delete (or update-before)
 * removes every point of the row's document. An upsert of a document's last chunk, when the row has
 * a {@code chunk_count} column, also deletes the chunks beyond it, as the ingest job does, so a
 * document that shrinks leaves nothing stale.
 */
final class RowWrites implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The payload key whose column says how many chunks the document has. */
    static final String CHUNK_COUNT = "chunk_count";

    private final RowLayout layout;
    private final SinkChangelog changelog;
    private transient ObjectMapper json;

    RowWrites(RowLayout layout, SinkChangelog changelog) {
        this.layout = layout;
        this.changelog = changelog;
    }

    List<QdrantWrite> of(RowData row) {
        String docId = row.getString(layout.docId()).toString();
        RowKind kind = row.getRowKind();
        if (kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE) {
            return List.of(QdrantWrite.deleteDocument(docId));
        }
        if (changelog == SinkChangelog.DELETES_ONLY) {
            return List.of();
        }
        int chunk = layout.chunk() < 0 ? 0 : row.getInt(layout.chunk());
        float[] dense =
                layout.dense() < 0 || row.isNullAt(layout.dense())
                        ? null
                        : row.getArray(layout.dense()).toFloatArray();
        int[] indices = null;
        float[] values = null;
        if (layout.sparse() >= 0 && !row.isNullAt(layout.sparse())) {
            MapData map = row.getMap(layout.sparse());
            // A map's order is arbitrary, a sparse vector's is ascending by index.
            SparseVector sparse =
                    SparseVector.fromUnsorted(
                            map.keyArray().toIntArray(), map.valueArray().toFloatArray());
            indices = sparse.indices();
            values = sparse.values();
        }
        QdrantWrite upsert = QdrantWrite.upsert(docId, chunk, dense, indices, values, payload(row));
        int count = chunkCount(row);
        if (count > 0 && chunk == count - 1) {
            return List.of(upsert, QdrantWrite.deleteChunksFrom(docId, count));
        }
        return List.of(upsert);
    }

    private int chunkCount(RowData row) {
        int i = layout.payloadIndex(CHUNK_COUNT);
        return i < 0 || row.isNullAt(i) ? -1 : row.getInt(i);
    }

    private String payload(RowData row) {
        if (json == null) {
            json = new ObjectMapper();
        }
        ObjectNode payload = json.createObjectNode();
        List<RowLayout.PayloadColumn> columns = layout.payload();
        for (RowLayout.PayloadColumn c : columns) {
            if (!row.isNullAt(c.index())) {
                put(payload, c, row);
            }
        }
        return payload.toString();
    }

    private void put(ObjectNode payload, RowLayout.PayloadColumn c, RowData row) {
        int i = c.index();
        switch (c.type()) {
            case STRING -> payload.put(c.name(), row.getString(i).toString());
            case BOOLEAN -> payload.put(c.name(), row.getBoolean(i));
            case TINYINT -> payload.put(c.name(), row.getByte(i));
            case SMALLINT -> payload.put(c.name(), row.getShort(i));
            case INT -> payload.put(c.name(), row.getInt(i));
            case BIGINT -> payload.put(c.name(), row.getLong(i));
            case FLOAT -> payload.put(c.name(), row.getFloat(i));
            case DOUBLE -> payload.put(c.name(), row.getDouble(i));
            case DECIMAL -> {
                DecimalData d = row.getDecimal(i, c.precision(), c.scale());
                payload.put(c.name(), d.toBigDecimal());
            }
            case TIMESTAMP -> {
                TimestampData t = row.getTimestamp(i, c.precision());
                payload.put(c.name(), t.toLocalDateTime().toString());
            }
            case STRING_ARRAY -> {
                ArrayData a = row.getArray(i);
                var array = payload.putArray(c.name());
                for (int e = 0; e < a.size(); e++) {
                    if (a.isNullAt(e)) {
                        array.addNull();
                    } else {
                        array.add(a.getString(e).toString());
                    }
                }
            }
        }
    }
}
