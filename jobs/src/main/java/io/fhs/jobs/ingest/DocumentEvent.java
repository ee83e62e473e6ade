package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.RecordOrigin;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.flink.annotation.Internal;

/**
 * A validated document operation.
 *
 * @param version the document's version, or -1 when it has none
 * @param appendTime when the record was appended to Kafka (for freshness)
 * @param replacesExisting an earlier version of the document is indexed (set by {@link
 *     VersionGate}); only then can stale chunks be left behind
 * @param origin the Kafka record it came from, for dead letters of later stages
 */
@Internal
public record DocumentEvent(
        String docId,
        Op op,
        String title,
        String text,
        String metadataJson,
        long version,
        long appendTime,
        boolean replacesExisting,
        RecordOrigin origin)
        implements Serializable {

    /** What to do with the document. */
    public enum Op {
        UPSERT,
        DELETE,
        /** Same title and text as indexed, other metadata: update payloads, do not re-encode. */
        UPDATE_PAYLOAD
    }

    public static DocumentEvent delete(
            String docId, long version, long appendTime, RecordOrigin origin) {
        return new DocumentEvent(
                docId, Op.DELETE, null, null, null, version, appendTime, false, origin);
    }

    public DocumentEvent asPayloadUpdate() {
        return new DocumentEvent(
                docId,
                Op.UPDATE_PAYLOAD,
                title,
                text,
                metadataJson,
                version,
                appendTime,
                true,
                origin);
    }

    public DocumentEvent replacingExisting(boolean replaces) {
        return new DocumentEvent(
                docId, op, title, text, metadataJson, version, appendTime, replaces, origin);
    }

    /** Identifies the content that gets encoded: a change elsewhere needs no re-encoding. */
    public String contentHash() {
        MessageDigest sha = sha256();
        sha.update((title == null ? "" : title).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Identifies the metadata (empty when there is none): 128 bits of its SHA-256, which is all the
     * version gate keeps per document instead of the JSON itself (22 characters, whatever the
     * metadata's size).
     */
    public String metadataHash() {
        if (metadataJson == null || metadataJson.isEmpty()) {
            return "";
        }
        byte[] digest = sha256().digest(metadataJson.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
