package io.fhs.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Dead letters name their stage and source, and always fit the producer's request limit. */
class DeadLetterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSmallPayloadIsCopiedWhole() throws Exception {
        KafkaRecord r = new KafkaRecord("docs", 2, 41, 0, "k".getBytes(), "{\"id\":".getBytes());
        JsonNode json = JSON.readTree(DeadLetter.invalid(r, null, "not valid JSON").toJson(1024));
        assertThat(json.get("stage").asText()).isEqualTo("validate");
        assertThat(json.get("source").get("offset").asLong()).isEqualTo(41);
        assertThat(json.get("payload_bytes").asInt()).isEqualTo(6);
        assertThat(json.get("payload_truncated").asBoolean()).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("payload_base64").asText()))
                .isEqualTo("{\"id\":".getBytes());
    }

    @Test
    void aHugeRecordMakesALetterThatFitsTheProducerLimit() throws Exception {
        int cap = 1000;
        byte[] value = new byte[5_000_000];
        Arrays.fill(value, (byte) '"');
        byte[] key = new byte[1_000_000];
        Arrays.fill(key, (byte) 'k');
        DeadLetter letter =
                DeadLetter.invalid(
                        new KafkaRecord("docs", 0, 7, 0, key, value),
                        "\0".repeat(100_000),
                        "x".repeat(2_000_000));
        ProducerRecord<byte[], byte[]> record =
                new DeadLetterSerializer("dlq", cap).record(letter, null);

        assertThat(record.value().length + record.key().length)
                .isLessThan(DeadLetterSerializer.maxRequestSize(cap));
        assertThat(record.key()).hasSize(DeadLetterSerializer.MAX_KEY_BYTES);
        JsonNode json = JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
        assertThat(json.get("payload_bytes").asInt()).isEqualTo(5_000_000);
        assertThat(json.get("payload_truncated").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(json.get("payload_base64").asText())).hasSize(cap);
        assertThat(json.get("error").asText()).endsWith("(2000000 characters)");
    }

    @Test
    void aLaterStageNamesTheDocumentAndChunk() throws Exception {
        JsonNode json =
                JSON.readTree(
                        DeadLetter.failed(
                                        DeadLetter.Stage.ENCODE,
                                        new RecordOrigin("docs", 1, 9),
                                        "doc-1",
                                        3,
                                        "encoder failed")
                                .toJson(1024));
        assertThat(json.get("stage").asText()).isEqualTo("encode");
        assertThat(json.get("doc_id").asText()).isEqualTo("doc-1");
        assertThat(json.get("chunk").asInt()).isEqualTo(3);
        assertThat(json.get("payload_base64").isNull()).isTrue();
    }
}
