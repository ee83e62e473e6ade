package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.operators.model.Role;
import io.fhs.operators.similarity.ExactSearch;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The semantic-search example of the sentence-transformers documentation, with the scores that
 * {@code SentenceTransformer("all-MiniLM-L6-v2")} prints for it.
 */
class DenseEncoderGoldenTest {
    static final List<String> CORPUS =
            List.of(
                    "Machine learning is a field of study that gives computers the ability to learn without being explicitly programmed.",
                    "Deep learning is part of a broader family of machine learning methods based on artificial neural networks with representation learning.",
                    "Neural networks are computing systems vaguely inspired by the biological neural networks that constitute animal brains.",
                    "Mars rovers are robotic vehicles designed to travel on the surface of Mars to collect data and perform experiments.",
                    "The James Webb Space Telescope is the largest optical telescope in space, designed to conduct infrared astronomy.",
                    "SpaceX's Starship is designed to be a fully reusable transportation system capable of carrying humans to Mars and beyond.",
                    "Global warming is the long-term heating of Earth's climate system observed since the pre-industrial period due to human activities.",
                    "Renewable energy sources include solar, wind, hydro, and geothermal power that naturally replenish over time.",
                    "Carbon capture technologies aim to collect CO2 emissions before they enter the atmosphere and store them underground.");

    static final List<String> QUERIES =
            List.of(
                    "How do artificial neural networks work?",
                    "What technology is used for modern space exploration?",
                    "How can we address climate change challenges?");

    /** Expected top-5 corpus indices per query, with sentence-transformers' scores. */
    static final int[][] TOP5 = {{2, 1, 0, 3, 8}, {3, 5, 4, 7, 8}, {6, 8, 7, 0, 1}};

    static final double[][] SCORES = {
        {0.5926, 0.5288, 0.4647, 0.1381, 0.0912},
        {0.3754, 0.3669, 0.3452, 0.2625, 0.2275},
        {0.3760, 0.3144, 0.2948, 0.0420, 0.0411}
    };

    static DenseEncoder fp32;
    static DenseEncoder int8;

    @BeforeAll
    static void open() {
        fp32 = DenseEncoder.open("all-MiniLM-L6-v2");
        int8 = DenseEncoder.open("sentence-transformers/all-MiniLM-L6-v2-int8");
    }

    @AfterAll
    static void close() {
        fp32.close();
        int8.close();
    }

    @Test
    void fp32MatchesSentenceTransformersToFourDecimals() {
        List<float[]> corpus = List.of(fp32.encode(CORPUS, Role.DOCUMENT));
        float[][] queries = fp32.encode(QUERIES, Role.QUERY);
        for (int q = 0; q < QUERIES.size(); q++) {
            List<ExactSearch.Hit> hits = ExactSearch.topK(queries[q], corpus, 5, fp32.similarity());
            for (int r = 0; r < 5; r++) {
                assertThat(hits.get(r).index()).as("query %d rank %d", q, r).isEqualTo(TOP5[q][r]);
                // Four decimals: the printed value is the exact score rounded.
                assertThat(hits.get(r).score())
                        .as("query %d rank %d", q, r)
                        .isCloseTo((float) SCORES[q][r], within(0.00005f + 1e-6f));
            }
        }
    }

    @Test
    void int8KeepsTopThreeOrderWithinTwoHundredths() {
        List<float[]> corpus = List.of(int8.encode(CORPUS, Role.DOCUMENT));
        float[][] queries = int8.encode(QUERIES, Role.QUERY);
        for (int q = 0; q < QUERIES.size(); q++) {
            List<ExactSearch.Hit> hits = ExactSearch.topK(queries[q], corpus, 9, int8.similarity());
            for (int r = 0; r < 3; r++) {
                assertThat(hits.get(r).index()).as("query %d rank %d", q, r).isEqualTo(TOP5[q][r]);
            }
            for (int r = 0; r < 5; r++) {
                int doc = TOP5[q][r];
                float score = int8.similarity().score(queries[q], corpus.get(doc));
                assertThat(score)
                        .as("query %d doc %d", q, doc)
                        .isCloseTo((float) SCORES[q][r], within(0.02f));
            }
        }
    }

    @Test
    void vectorsAreNormalizedAndHaveModelDimension() {
        float[] v = fp32.encode(CORPUS.get(0), Role.DOCUMENT);
        assertThat(v).hasSize(384);
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
    }
}
