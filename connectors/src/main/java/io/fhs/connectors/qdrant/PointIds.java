package io.fhs.connectors.qdrant;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Deterministic point ids: a UUIDv5 (RFC 9562, SHA-1) of {@code doc_id} and chunk number, so that
 * replaying a document overwrites its points instead of duplicating them.
 */
@PublicEvolving
public final class PointIds {
    /** The namespace of our point ids (a fixed random UUID). */
    public static final UUID NAMESPACE = UUID.fromString("9a5d7c3e-2f41-4b8e-9c6d-3e1f0a7b5c24");

    private PointIds() {}

    public static UUID of(String docId, int chunk) {
        return uuid5(NAMESPACE, docId + "#" + chunk);
    }

    static UUID uuid5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // RFC variant
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
