package io.fhs.operators.sparse;

import io.fhs.operators.model.Role;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Encodes texts into sparse vectors over a vocabulary (SPLADE) or a hashed term space (BM25).
 * Implementations are thread-safe and batch internally.
 */
@PublicEvolving
public interface SparseEncoder extends AutoCloseable {
    /** Encodes texts; the i-th vector belongs to the i-th text. */
    List<SparseVector> encode(List<String> texts, Role role);

    default SparseVector encode(String text, Role role) {
        return encode(List.of(text), role).get(0);
    }

    /**
     * The {@code topK} highest-weighted tokens of a vector, heaviest first, as
     * sentence-transformers' {@code SparseEncoder.decode}.
     */
    List<TokenWeight> decode(SparseVector vector, int topK);

    /** Short description for logs, e.g. {@code splade(tiny-splade)}. */
    String describe();

    /** Whether the search side should let Qdrant weigh terms by IDF (BM25 only). */
    default boolean needsIdfModifier() {
        return false;
    }

    @Override
    void close();

    /** A token (or term) and its weight. */
    record TokenWeight(String token, float weight) {}
}
