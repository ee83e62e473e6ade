package io.fhs.jobs.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.kafka.RecordOrigin;
import io.fhs.connectors.qdrant.QdrantSinkBuilder;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;

/**
 * The input contract: a JSON object {@code {"id": str, "text": str, "title"?: str, "metadata"?:
 * object, "op"?: "upsert"|"delete", "version"?: long}} (field names configurable). The Kafka key,
 * when present, is the document id; a tombstone (null value) deletes. Every violation becomes a
 * {@link Invalid} naming the field and what was expected.
 */
@Internal
public final class DocumentParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The deepest metadata Qdrant 1.16.3 takes whatever its shape: its gRPC decoder stops at a
     * recursion depth of 100, an object level costs 3 of it and a list level 2, and the payload
     * itself sits 4 deep in an upsert (QdrantPayloadLimitsITCase measures it).
     */
    public static final int QDRANT_MAX_METADATA_DEPTH = 32;

    /**
     * The most {@code ingest.max-metadata-depth} may be: above Qdrant's limit for a server that
     * takes more; with Qdrant 1.16, documents between the two reach the sink, which dead-letters
     * them as refused ({@code "stage": "qdrant"}).
     */
    public static final int MAX_METADATA_DEPTH_OPTION = 64;

    /**
     * The most characters of id, title, metadata and text one point's payload may carry: the Qdrant
     * sink estimates 2 bytes a character and takes records up to {@link
     * QdrantSinkBuilder#DEFAULT_MAX_RECORD_SIZE_IN_BYTES}; the other half is left to vectors.
     */
    public static final int MAX_PAYLOAD_CHARS =
            (int) (QdrantSinkBuilder.DEFAULT_MAX_RECORD_SIZE_IN_BYTES / 4);

    private final String idField;
    private final String textField;
    private final String titleField;
    private final String metadataField;
    private final String opField;
    private final String versionField;
    private final int maxBytes;
    private final int maxMetadataDepth;
    private transient ObjectMapper json;

    /** A record that breaks the contract. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The offending field, or null when the record as a whole is wrong. */
        public String field() {
            return field;
        }
    }

    public DocumentParser(Configuration c) {
        this.idField = c.get(IngestOptions.FIELD_ID);
        this.textField = c.get(IngestOptions.FIELD_TEXT);
        this.titleField = c.get(IngestOptions.FIELD_TITLE);
        this.metadataField = c.get(IngestOptions.FIELD_METADATA);
        this.opField = c.get(IngestOptions.FIELD_OP);
        this.versionField = c.get(IngestOptions.FIELD_VERSION);
        this.maxBytes = c.get(IngestOptions.MAX_DOCUMENT_BYTES);
        this.maxMetadataDepth = c.get(IngestOptions.MAX_METADATA_DEPTH);
    }

    public DocumentEvent parse(KafkaRecord record) throws Invalid {
        String key = record.key() == null ? null : utf8(record.key(), "key");
        if (key != null && key.isBlank()) {
            key = null;
        }
        if (record.isTombstone()) {
            if (key == null) {
                throw new Invalid(
                        "key",
                        "a tombstone (null value) needs a Kafka key: the id of the document to delete");
            }
            return DocumentEvent.delete(key, -1, record.timestamp(), RecordOrigin.of(record));
        }
        if (record.value().length > maxBytes) {
            throw new Invalid(
                    null,
                    "the record is "
                            + record.value().length
                            + " bytes, over the limit of "
                            + maxBytes
                            + " (option "
                            + IngestOptions.MAX_DOCUMENT_BYTES.key()
                            + ")");
        }
        JsonNode node = parseJson(utf8(record.value(), null));
        String id =
                key != null
                        ? key
                        : requireString(node, idField, "the document id (or a Kafka key)");
        if (id.isBlank()) {
            throw new Invalid(idField, "\"" + idField + "\" must not be empty");
        }
        requireWellFormed(id, key != null ? "key" : idField);
        DocumentEvent.Op op = op(node);
        long version = version(node);
        if (op == DocumentEvent.Op.DELETE) {
            return DocumentEvent.delete(id, version, record.timestamp(), RecordOrigin.of(record));
        }
        String text = requireString(node, textField, "the text to index");
        if (text.isBlank()) {
            throw new Invalid(textField, "\"" + textField + "\" must not be empty");
        }
        requireWellFormed(text, textField);
        String title = optionalString(node, titleField);
        if (title != null) {
            requireWellFormed(title, titleField);
        }
        JsonNode metadata = node.get(metadataField);
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw new Invalid(
                    metadataField,
                    "\"" + metadataField + "\" must be a JSON object, got " + kind(metadata));
        }
        String metadataJson = null;
        if (metadata != null && !metadata.isNull()) {
            checkStorable(metadata, metadataField, 1);
            metadataJson = metadata.toString();
        }
        long payloadChars =
                (long) id.length()
                        + text.length()
                        + (title == null ? 0 : title.length())
                        + (metadataJson == null ? 0 : metadataJson.length());
        if (payloadChars > MAX_PAYLOAD_CHARS) {
            throw new Invalid(
                    metadataJson == null ? textField : metadataField,
                    "id, title, text and metadata come to "
                            + payloadChars
                            + " characters, over the "
                            + MAX_PAYLOAD_CHARS
                            + " a Qdrant point's payload may carry");
        }
        return new DocumentEvent(
                id,
                op,
                title,
                text,
                metadataJson,
                version,
                record.timestamp(),
                false,
                RecordOrigin.of(record));
    }

    /**
     * Rejects what Qdrant cannot store, naming the field by its path: nesting deeper than {@code
     * ingest.max-metadata-depth}, and numbers beyond double range (1e400), which Qdrant refuses as
     * "cannot convert to json number".
     */
    private void checkStorable(JsonNode node, String path, int depth) throws Invalid {
        if (node.isContainerNode() && depth > maxMetadataDepth) {
            throw new Invalid(
                    path,
                    "\""
                            + path
                            + "\" nests deeper than "
                            + maxMetadataDepth
                            + " levels (option "
                            + IngestOptions.MAX_METADATA_DEPTH.key()
                            + ")");
        }
        if (node.isNumber() && !node.canConvertToLong() && !Double.isFinite(node.doubleValue())) {
            throw new Invalid(
                    path, "\"" + path + "\" is a number beyond double range: " + abbreviate(node));
        }
        if (node.isTextual()) {
            requireWellFormed(node.textValue(), path);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + abbreviate(e.getKey());
                requireWellFormed(e.getKey(), child);
                checkStorable(e.getValue(), child, depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkStorable(node.get(i), path + "[" + i + "]", depth + 1);
            }
        }
    }

    /**
     * Rejects unpaired UTF-16 surrogates (only a JSON escape such as {@code \ud800} can make one):
     * protobuf sends them to Qdrant as '?', and the tokenizer's offsets break on them.
     */
    private static void requireWellFormed(String s, String field) throws Invalid {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired =
                    Character.isHighSurrogate(c)
                            ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(++i))
                            : !Character.isLowSurrogate(c);
            if (!paired) {
                throw new Invalid(
                        field,
                        "\""
                                + field
                                + "\" contains an unpaired UTF-16 surrogate near character "
                                + i
                                + " (a \\uD800-\\uDFFF escape on its own)");
            }
        }
    }

    private static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private JsonNode parseJson(String value) throws Invalid {
        JsonNode node;
        try {
            node = mapper().readTree(value);
        } catch (JsonProcessingException e) {
            throw new Invalid(null, "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Invalid(
                    null, "expected a JSON object, got " + (node == null ? "nothing" : kind(node)));
        }
        return node;
    }

    private DocumentEvent.Op op(JsonNode node) throws Invalid {
        String op = optionalString(node, opField);
        if (op == null) {
            return DocumentEvent.Op.UPSERT;
        }
        switch (op.toLowerCase(Locale.ROOT)) {
            case "upsert":
                return DocumentEvent.Op.UPSERT;
            case "delete":
                return DocumentEvent.Op.DELETE;
            default:
                throw new Invalid(
                        opField,
                        "\"" + opField + "\" must be \"upsert\" or \"delete\", got \"" + op + "\"");
        }
    }

    private long version(JsonNode node) throws Invalid {
        JsonNode v = node.get(versionField);
        if (v == null || v.isNull()) {
            return -1;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new Invalid(
                    versionField,
                    "\"" + versionField + "\" must be a non-negative integer, got " + v);
        }
        return v.longValue();
    }

    private static String requireString(JsonNode node, String field, String what) throws Invalid {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new Invalid(field, "missing \"" + field + "\" (" + what + ")");
        }
        if (!v.isTextual()) {
            throw new Invalid(field, "\"" + field + "\" must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    private static String optionalString(JsonNode node, String field) throws Invalid {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid(field, "\"" + field + "\" must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String utf8(byte[] bytes, String field) throws Invalid {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new Invalid(
                    field,
                    (field == null ? "the value" : "the " + field)
                            + " is not valid UTF-8 (bad byte near offset "
                            + in.position()
                            + ")");
        }
    }

    private ObjectMapper mapper() {
        if (json == null) {
            json = new ObjectMapper();
        }
        return json;
    }
}
