package io.fhs.connectors.qdrant;

import io.qdrant.client.grpc.Points;
import java.io.Serializable;
import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;

/**
 * How many replicas of each shard a search asks, and which hits it keeps: a number N (ask N
 * replicas, keep what all of them return; Qdrant's default is 1), {@code majority}, {@code quorum}
 * or {@code all}. Matters only for collections with a replication factor above 1.
 *
 * @param type a named consistency, or null for {@code factor}
 * @param factor replicas asked when {@code type} is null
 */
@PublicEvolving
public record ReadConsistency(Type type, int factor) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Qdrant's default: one replica answers. */
    public static final ReadConsistency ONE = new ReadConsistency(null, 1);

    /** The named consistencies of Qdrant's Query API. */
    public enum Type {
        MAJORITY,
        QUORUM,
        ALL
    }

    public ReadConsistency {
        if (type == null && factor < 1) {
            throw new IllegalArgumentException(
                    "read consistency factor must be >= 1, got " + factor);
        }
    }

    /** Parses {@code majority}, {@code quorum}, {@code all} (any case) or a number >= 1. */
    public static ReadConsistency parse(String text) {
        String t = text.trim();
        for (Type type : Type.values()) {
            if (type.name().equalsIgnoreCase(t)) {
                return new ReadConsistency(type, 0);
            }
        }
        try {
            return new ReadConsistency(null, Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "read consistency is majority, quorum, all or a number >= 1, got '"
                            + text
                            + "'",
                    e);
        }
    }

    Points.ReadConsistency toGrpc() {
        Points.ReadConsistency.Builder b = Points.ReadConsistency.newBuilder();
        if (type == null) {
            return b.setFactor(factor).build();
        }
        return b.setType(
                        switch (type) {
                            case MAJORITY -> Points.ReadConsistencyType.Majority;
                            case QUORUM -> Points.ReadConsistencyType.Quorum;
                            case ALL -> Points.ReadConsistencyType.All;
                        })
                .build();
    }

    @Override
    public String toString() {
        return type == null ? Integer.toString(factor) : type.name().toLowerCase(Locale.ROOT);
    }
}
