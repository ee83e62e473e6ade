package io.fhs.operators.similarity;

import java.util.Locale;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Similarity functions with sentence-transformers semantics: higher is always more similar, so the
 * distances are negated ({@code euclidean} is minus the L2 distance).
 */
@PublicEvolving
public enum SimilarityFunction {
    COSINE("cosine") {
        @Override
        public float score(float[] a, float[] b) {
            check(a, b);
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
                na += (double) a[i] * a[i];
                nb += (double) b[i] * b[i];
            }
            // torch.nn.functional.normalize clamps each norm at 1e-12.
            return (float)
                    (dot / (Math.max(Math.sqrt(na), 1e-12) * Math.max(Math.sqrt(nb), 1e-12)));
        }
    },
    DOT("dot") {
        @Override
        public float score(float[] a, float[] b) {
            check(a, b);
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
            }
            return (float) dot;
        }
    },
    EUCLIDEAN("euclidean") {
        @Override
        public float score(float[] a, float[] b) {
            check(a, b);
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double d = (double) a[i] - b[i];
                sum += d * d;
            }
            return (float) -Math.sqrt(sum);
        }
    },
    MANHATTAN("manhattan") {
        @Override
        public float score(float[] a, float[] b) {
            check(a, b);
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                sum += Math.abs((double) a[i] - b[i]);
            }
            return (float) -sum;
        }
    };

    private final String stName;

    SimilarityFunction(String stName) {
        this.stName = stName;
    }

    /** Scores two vectors of the same dimension; higher means more similar. */
    public abstract float score(float[] a, float[] b);

    /** The name used in {@code config_sentence_transformers.json}. */
    public String stName() {
        return stName;
    }

    /** Parses sentence-transformers' {@code similarity_fn_name} (also accepts its aliases). */
    public static SimilarityFunction fromName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "cosine":
            case "cos_sim":
                return COSINE;
            case "dot":
            case "dot_product":
            case "dot_score":
                return DOT;
            case "euclidean":
            case "euclidean_sim":
                return EUCLIDEAN;
            case "manhattan":
            case "manhattan_sim":
                return MANHATTAN;
            default:
                throw new IllegalArgumentException(
                        "Unknown similarity function '"
                                + name
                                + "', expected one of cosine, dot, euclidean, manhattan");
        }
    }

    private static void check(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "Vectors differ in dimension: " + a.length + " vs " + b.length);
        }
    }
}
