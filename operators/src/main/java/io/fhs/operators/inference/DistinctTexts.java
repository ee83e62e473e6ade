package io.fhs.operators.inference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The distinct texts of a batch, so that an encoder runs each once: boilerplate (licence footers,
 * navigation, signatures) repeats across documents, and a repeat in one batch would otherwise cost
 * a full model row. {@link #expand} maps the distinct results back to the batch's order.
 */
@Internal
public final class DistinctTexts {
    private final List<String> distinct;
    private final int[] slot;

    private DistinctTexts(List<String> distinct, int[] slot) {
        this.distinct = distinct;
        this.slot = slot;
    }

    public static DistinctTexts of(List<String> texts) {
        Map<String, Integer> seen = new HashMap<>(texts.size() * 2);
        List<String> distinct = new ArrayList<>(texts.size());
        int[] slot = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            Integer at = seen.putIfAbsent(t, distinct.size());
            if (at == null) {
                slot[i] = distinct.size();
                distinct.add(t);
            } else {
                slot[i] = at;
            }
        }
        return new DistinctTexts(distinct, slot);
    }

    /** The texts to encode, each once, in first-seen order. */
    public List<String> texts() {
        return distinct;
    }

    /**
     * Per distinct text, the value its first occurrence has in {@code perText} (one value per text
     * of the batch), in the order of {@link #texts}.
     */
    public <T> List<T> firstOfEach(List<T> perText) {
        if (repeats() == 0) {
            return perText;
        }
        List<T> out = new ArrayList<>(distinct.size());
        for (int i = 0; i < slot.length; i++) {
            if (slot[i] == out.size()) {
                out.add(perText.get(i));
            }
        }
        return out;
    }

    /** How many texts of the batch repeat an earlier one. */
    public int repeats() {
        return slot.length - distinct.size();
    }

    /**
     * One vector per text of the batch; a repeat gets a copy, so that a caller changing one vector
     * in place does not change another's.
     */
    public float[][] expand(float[][] encoded) {
        if (repeats() == 0) {
            return encoded;
        }
        float[][] out = new float[slot.length][];
        boolean[] given = new boolean[encoded.length];
        for (int i = 0; i < slot.length; i++) {
            float[] v = encoded[slot[i]];
            out[i] = given[slot[i]] ? v.clone() : v;
            given[slot[i]] = true;
        }
        return out;
    }

    /** One result per text of the batch, for immutable results (repeats share one). */
    public <T> List<T> expand(List<T> encoded) {
        if (repeats() == 0) {
            return encoded;
        }
        List<T> out = new ArrayList<>(slot.length);
        for (int s : slot) {
            out.add(encoded.get(s));
        }
        return out;
    }
}
