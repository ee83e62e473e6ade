package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.kafka.RecordOrigin;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

/** Buffered writes survive a checkpoint round trip unchanged, for every kind. */
class QdrantWriteSerializerTest {
    @Test
    void everyKindRoundTrips() throws Exception {
        String bigPayload = "{\"text\": \"" + "x".repeat(100_000) + "\"}";
        List<QdrantWrite> writes =
                List.of(
                        QdrantWrite.upsert(
                                "doc",
                                3,
                                new float[] {0.5f, -1f},
                                new int[] {7, 9},
                                new float[] {1f, 2f},
                                bigPayload),
                        QdrantWrite.upsert("dense-only", 0, new float[] {1f}, null, null, "{}"),
                        QdrantWrite.deleteDocument("gone"),
                        QdrantWrite.deleteChunksFrom("shrunk", 2),
                        QdrantWrite.setPayload("meta", "{\"metadata\": {\"a\": 1}}"),
                        QdrantWrite.deleteDocument("from-kafka")
                                .withOrigin(
                                        new RecordOrigin("docs", 3, 12_345L, 1_796_000_000_000L)));
        QdrantWriteSerializer serializer = new QdrantWriteSerializer();
        BufferedRequestState<QdrantWrite> state =
                new BufferedRequestState<>(
                        writes.stream()
                                .map(w -> new RequestEntryWrapper<>(w, w.sizeInBytes()))
                                .toList());
        BufferedRequestState<QdrantWrite> back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(back.getBufferedRequestEntries())
                .extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactlyElementsOf(writes);
    }

    @Test
    void versionOneStateReadsBackWithAnUnknownOrigin() throws Exception {
        QdrantWriteSerializer serializer = new QdrantWriteSerializer();
        byte[] empty = serializer.serialize(new BufferedRequestState<>(List.of()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        // Version 1's layout: the base class's identifier and count, then per entry its size,
        // kind, doc id, chunk and (an upsert) vectors and payload, with no origin.
        out.writeLong(ByteBuffer.wrap(empty).getLong());
        out.writeInt(2);
        out.writeLong(100);
        out.writeByte(QdrantWrite.Kind.UPSERT.ordinal());
        out.writeUTF("old");
        out.writeInt(1);
        out.writeInt(1);
        out.writeFloat(0.5f);
        out.writeInt(-1);
        byte[] payload = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        out.writeInt(payload.length);
        out.write(payload);
        out.writeLong(50);
        out.writeByte(QdrantWrite.Kind.DELETE_DOCUMENT.ordinal());
        out.writeUTF("gone");
        out.writeInt(0);
        out.flush();

        BufferedRequestState<QdrantWrite> back = serializer.deserialize(1, bytes.toByteArray());

        assertThat(back.getBufferedRequestEntries())
                .extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactly(
                        QdrantWrite.upsert("old", 1, new float[] {0.5f}, null, null, "{\"a\":1}"),
                        QdrantWrite.deleteDocument("gone"));
        assertThat(back.getBufferedRequestEntries().get(0).getRequestEntry().origin())
                .isEqualTo(RecordOrigin.UNKNOWN);
    }
}
