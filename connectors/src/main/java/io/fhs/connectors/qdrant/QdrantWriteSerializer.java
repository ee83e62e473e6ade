package io.fhs.connectors.qdrant;

import io.fhs.connectors.kafka.RecordOrigin;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;

/**
 * Checkpoints the sink's buffered writes. Version 2 adds each write's origin (source topic,
 * partition, offset) after the version 1 fields, version 3 the origin's record timestamp, version 4
 * the document version; older state reads back with an unknown origin, timestamp or version.
 */
@Internal
public final class QdrantWriteSerializer extends AsyncSinkWriterStateSerializer<QdrantWrite> {
    static final int VERSION = 4;

    // The version of the state being read: the base class does not pass it on per entry, and a
    // serializer instance restores one state at a time.
    private int readingVersion = VERSION;

    @Override
    public BufferedRequestState<QdrantWrite> deserialize(int version, byte[] serialized)
            throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("Unknown Qdrant sink state version " + version);
        }
        readingVersion = version;
        return super.deserialize(version, serialized);
    }

    @Override
    protected void serializeRequestToStream(QdrantWrite w, DataOutputStream out)
            throws IOException {
        out.writeByte(w.kind().ordinal());
        out.writeUTF(w.docId());
        out.writeInt(w.chunk());
        if (w.kind() == QdrantWrite.Kind.UPSERT) {
            writeFloats(out, w.dense());
            int n = w.sparseIndices() == null ? -1 : w.sparseIndices().length;
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeInt(w.sparseIndices()[i]);
                out.writeFloat(w.sparseValues()[i]);
            }
            writeString(out, w.payloadJson());
        } else if (w.kind() == QdrantWrite.Kind.SET_PAYLOAD) {
            writeString(out, w.payloadJson());
        }
        RecordOrigin origin = w.origin();
        out.writeBoolean(origin.topic() != null);
        if (origin.topic() != null) {
            out.writeUTF(origin.topic());
        }
        out.writeInt(origin.partition());
        out.writeLong(origin.offset());
        out.writeLong(origin.timestamp());
        out.writeLong(w.version());
    }

    private RecordOrigin readOrigin(DataInputStream in) throws IOException {
        if (readingVersion < 2) {
            return RecordOrigin.UNKNOWN;
        }
        String topic = in.readBoolean() ? in.readUTF() : null;
        int partition = in.readInt();
        long offset = in.readLong();
        long timestamp = readingVersion >= 3 ? in.readLong() : -1;
        return new RecordOrigin(topic, partition, offset, timestamp);
    }

    // Length-prefixed UTF-8: payloads can exceed writeUTF's 64 KiB.
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    protected QdrantWrite deserializeRequestFromStream(long size, DataInputStream in)
            throws IOException {
        QdrantWrite write = readWrite(in).withOrigin(readOrigin(in));
        return readingVersion >= 4 ? write.withVersion(in.readLong()) : write;
    }

    private static QdrantWrite readWrite(DataInputStream in) throws IOException {
        QdrantWrite.Kind kind = QdrantWrite.Kind.values()[in.readByte()];
        String docId = in.readUTF();
        int chunk = in.readInt();
        if (kind == QdrantWrite.Kind.SET_PAYLOAD) {
            return QdrantWrite.setPayload(docId, readString(in));
        }
        if (kind == QdrantWrite.Kind.DELETE_DOCUMENT) {
            return chunk > 0
                    ? QdrantWrite.deleteChunksFrom(docId, chunk)
                    : QdrantWrite.deleteDocument(docId);
        }
        float[] dense = readFloats(in);
        int n = in.readInt();
        int[] indices = n < 0 ? null : new int[n];
        float[] values = n < 0 ? null : new float[n];
        for (int i = 0; i < n; i++) {
            indices[i] = in.readInt();
            values[i] = in.readFloat();
        }
        return QdrantWrite.upsert(docId, chunk, dense, indices, values, readString(in));
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            for (float v : values) {
                out.writeFloat(v);
            }
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    @Override
    public int getVersion() {
        return VERSION;
    }
}
