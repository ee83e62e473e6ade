package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the version gate lets through, per document, on Flink's keyed test harness. */
class VersionGateTest {
    private KeyedOneInputStreamOperatorTestHarness<String, DocumentEvent, DocumentEvent> gate;

    @BeforeEach
    void open() throws Exception {
        gate =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new VersionGate(), DocumentEvent::docId, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        gate.close();
    }

    private static DocumentEvent upsert(String id, String text, String metadata, long version) {
        return new DocumentEvent(
                id, DocumentEvent.Op.UPSERT, "", text, metadata, version, 0, false, null);
    }

    private List<DocumentEvent> send(DocumentEvent... events) throws Exception {
        int before = gate.extractOutputValues().size();
        for (DocumentEvent e : events) {
            gate.processElement(e, 0);
        }
        List<DocumentEvent> all = gate.extractOutputValues();
        return all.subList(before, all.size());
    }

    @Test
    void aStaleVersionIsDroppedAndANewerOneReplacesTheIndexedDocument() throws Exception {
        assertThat(send(upsert("a", "one", null, 2), upsert("a", "older", null, 1)))
                .extracting(DocumentEvent::text, DocumentEvent::replacesExisting)
                .containsExactly(tuple("one", false));
        assertThat(send(upsert("a", "two", null, 3)))
                .extracting(DocumentEvent::text, DocumentEvent::replacesExisting)
                .containsExactly(tuple("two", true));
    }

    @Test
    void anUnchangedReSendIsDroppedAndChangedMetadataAloneIsAPayloadUpdate() throws Exception {
        send(upsert("a", "one", "{\"lang\":\"en\"}", 1));
        assertThat(send(upsert("a", "one", "{\"lang\":\"en\"}", 2))).isEmpty();
        assertThat(send(upsert("a", "one", "{\"lang\":\"de\"}", 3)))
                .extracting(DocumentEvent::op, DocumentEvent::metadataJson)
                .containsExactly(tuple(DocumentEvent.Op.UPDATE_PAYLOAD, "{\"lang\":\"de\"}"));
        assertThat(send(upsert("a", "one", "{\"lang\":\"de\"}", 4))).isEmpty();
    }

    @Test
    void aDocumentDeletedAndSentAgainIsIndexedAgainButNotAnOlderVersion() throws Exception {
        send(upsert("a", "one", null, 1));
        assertThat(send(DocumentEvent.delete("a", 2, 0, null)))
                .extracting(DocumentEvent::op)
                .containsExactly(DocumentEvent.Op.DELETE);
        assertThat(send(upsert("a", "one", null, 1))).isEmpty();
        assertThat(send(upsert("a", "one", null, 3)))
                .extracting(DocumentEvent::op, DocumentEvent::version)
                .containsExactly(tuple(DocumentEvent.Op.UPSERT, 3L));
    }

    @Test
    void theMetadataStateIsAFixedSizeHashWhateverTheMetadata() {
        String big = "{\"body\":\"" + "x".repeat(10_000) + "\"}";
        assertThat(upsert("a", "t", big, 1).metadataHash()).hasSize(22);
        assertThat(upsert("a", "t", "{}", 1).metadataHash())
                .hasSize(22)
                .isNotEqualTo(upsert("a", "t", big, 1).metadataHash());
        assertThat(upsert("a", "t", null, 1).metadataHash()).isEmpty();
    }
}
