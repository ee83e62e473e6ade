package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

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
                        QdrantWrite.setPayload("meta", "{\"metadata\": {\"a\": 1}}"));
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
}
