package io.fhs.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.kafka.RecordOrigin;
import java.nio.charset.StandardCharsets;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** What Qdrant cannot store is refused at validation, naming the field by its path. */
class DocumentParserTest {
    static DocumentEvent parse(String json) throws DocumentParser.Invalid {
        return new DocumentParser(new Configuration())
                .parse(
                        new KafkaRecord(
                                "docs", 1, 5, 0L, null, json.getBytes(StandardCharsets.UTF_8)));
    }

    static String nested(int depth) {
        return "{\"k\": ".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    @Test
    void metadataAtTheDepthLimitPassesAndOneDeeperIsRefused() throws Exception {
        DocumentEvent ok =
                parse("{\"id\": \"a\", \"text\": \"t\", \"metadata\": " + nested(32) + "}");
        assertThat(ok.metadataJson()).startsWith("{\"k\":{\"k\":");
        assertThat(ok.origin()).isEqualTo(new RecordOrigin("docs", 1, 5, 0L));
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"id\": \"a\", \"text\": \"t\", \"metadata\": "
                                                + nested(33)
                                                + "}"))
                .isInstanceOf(DocumentParser.Invalid.class)
                .hasMessageContaining("nests deeper than 32 levels")
                .hasMessageContaining(IngestOptions.MAX_METADATA_DEPTH.key())
                .extracting(e -> ((DocumentParser.Invalid) e).field())
                .asString()
                .startsWith("metadata.k.k.k");
    }

    @Test
    void arraysCountAsLevelsToo() {
        String deepList = "{\"a\": " + "[".repeat(40) + "1" + "]".repeat(40) + "}";
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"id\": \"a\", \"text\": \"t\", \"metadata\": "
                                                + deepList
                                                + "}"))
                .extracting(e -> ((DocumentParser.Invalid) e).field())
                .asString()
                .startsWith("metadata.a[0][0]");
    }

    @Test
    void numbersBeyondDoubleRangeAreRefusedHugeIntegersAreNot() throws Exception {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"id\": \"a\", \"text\": \"t\", \"metadata\": {\"x\": [1, -1e400]}}"))
                .hasMessageContaining("beyond double range")
                .extracting(e -> ((DocumentParser.Invalid) e).field())
                .isEqualTo("metadata.x[1]");
        DocumentEvent big =
                parse(
                        "{\"id\": \"a\", \"text\": \"t\", \"metadata\": {\"n\": 123456789012345678901234567890}}");
        assertThat(big.metadataJson()).contains("123456789012345678901234567890");
    }

    @Test
    void aPayloadThatGrowsPastTheSinkLimitIsRefused() {
        // "1e6" becomes "1000000.0" when re-serialized: 3 bytes in, 9 characters out.
        String numbers = "1e6,".repeat(240_000);
        String doc = "{\"id\": \"a\", \"text\": \"t\", \"metadata\": {\"n\": [" + numbers + "1]}}";
        assertThat(doc.length()).isLessThan(IngestOptions.MAX_DOCUMENT_BYTES.defaultValue());
        assertThatThrownBy(() -> parse(doc))
                .hasMessageContaining("a Qdrant point's payload may carry")
                .extracting(e -> ((DocumentParser.Invalid) e).field())
                .isEqualTo("metadata");
    }

    @Test
    void unpairedSurrogatesAreRefusedPairedOnesPass() throws Exception {
        assertThat(parse("{\"id\": \"a\", \"text\": \"rocket \\ud83d\\ude80\"}").text())
                .isEqualTo("rocket \ud83d\ude80");
        assertThatThrownBy(() -> parse("{\"id\": \"a\", \"text\": \"x \\ud800 y\"}"))
                .hasMessageContaining("unpaired UTF-16 surrogate")
                .extracting(e -> ((DocumentParser.Invalid) e).field())
                .isEqualTo("text");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"id\": \"a\", \"text\": \"x\", \"metadata\":"
                                                + " {\"k\\udc00\": 1}}"))
                .extracting(e -> ((DocumentParser.Invalid) e).field())
                .asString()
                .startsWith("metadata.k");
    }
}
