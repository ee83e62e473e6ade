package io.fhs.operators.sparse;

import org.apache.flink.annotation.PublicEvolving;

/**
 * BM25 parameters and analysis.
 *
 * @param k1 term-frequency saturation
 * @param b length normalization strength, 0..1
 * @param avgLen average document length in analyzed terms (set it to your corpus' average)
 * @param stopWords drop Lucene's English stop words
 * @param stemming apply the Porter stemmer
 */
@PublicEvolving
public record Bm25Options(double k1, double b, double avgLen, boolean stopWords, boolean stemming) {
    public static final double DEFAULT_K1 = 1.2;
    public static final double DEFAULT_B = 0.75;
    public static final double DEFAULT_AVG_LEN = 256;

    public Bm25Options {
        if (!(k1 >= 0)) {
            throw new IllegalArgumentException("bm25 k1 must be >= 0, got " + k1);
        }
        if (!(b >= 0 && b <= 1)) {
            throw new IllegalArgumentException("bm25 b must be within [0, 1], got " + b);
        }
        if (!(avgLen > 0)) {
            throw new IllegalArgumentException("bm25 avgLen must be > 0, got " + avgLen);
        }
    }

    /** Lucene's EnglishAnalyzer (stop words and Porter stemming), k1 1.2, b 0.75, avgLen 256. */
    public static Bm25Options defaults() {
        return new Bm25Options(DEFAULT_K1, DEFAULT_B, DEFAULT_AVG_LEN, true, true);
    }

    public Bm25Options withAvgLen(double avgLen) {
        return new Bm25Options(k1, b, avgLen, stopWords, stemming);
    }
}
