package io.fhs.operators.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.operators.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class Bm25EncoderTest {
    static final double K1 = 1.2;

    final Bm25Encoder bm25 = new Bm25Encoder(Bm25Options.defaults().withAvgLen(4));

    static int idx(String term) {
        return Bm25Encoder.termIndex(term);
    }

    @Test
    void analysisStemsDropsStopWordsAndPossessives() {
        assertThat(bm25.analyze("The running dogs and the runner's dog!"))
                .containsExactly("run", "dog", "runner", "dog");
        Bm25Encoder plain = new Bm25Encoder(new Bm25Options(1.2, 0.75, 4, false, false));
        assertThat(plain.analyze("The running dogs")).containsExactly("the", "running", "dogs");
    }

    @Test
    void documentValuesFollowTheBm25TermFrequencyFormula() {
        // Terms run, dog, runner, dog: len 4 = avgLen, so the length factor is exactly k1.
        SparseVector v = bm25.encode("The running dogs and the runner's dog!", Role.DOCUMENT);
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.get(idx("dog"))).isCloseTo((float) (2 * (K1 + 1) / (2 + K1)), within(1e-6f));
        assertThat(v.get(idx("run"))).isCloseTo(1.0f, within(1e-6f));
        assertThat(v.get(idx("runner"))).isCloseTo(1.0f, within(1e-6f));
    }

    @Test
    void repeatedTermsSaturate() {
        float once = bm25.encode("search", Role.DOCUMENT).get(idx("search"));
        float thrice = bm25.encode("search search search", Role.DOCUMENT).get(idx("search"));
        // tf 1, len 1: 2.2 / (1 + 1.2 * (0.25 + 0.75 / 4)); tf 3, len 3: 6.6 / (3 + 1.2 * (0.25 +
        // 0.75 * 3 / 4))
        assertThat(once).isCloseTo((float) (2.2 / (1 + 1.2 * 0.4375)), within(1e-6f));
        assertThat(thrice).isCloseTo((float) (6.6 / (3 + 1.2 * 0.8125)), within(1e-6f));
        assertThat(thrice).isGreaterThan(once).isLessThan((float) (K1 + 1));
    }

    @Test
    void longerDocumentsWeighATermLess() {
        // "index" once among 8 terms: 2.2 / (1 + 1.2 * (0.25 + 0.75 * 8 / 4)) = 2.2 / 3.1
        SparseVector v = bm25.encode("index red blue green pink gold gray teal", Role.DOCUMENT);
        assertThat(v.size()).isEqualTo(8);
        assertThat(v.get(idx("index"))).isCloseTo((float) (2.2 / 3.1), within(1e-6f));
    }

    @Test
    void queriesWeighEachTermByItsCountAsLuceneClausesDo() {
        SparseVector q = bm25.encode("Dogs running? The dog runs! A cat.", Role.QUERY);
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.get(idx("dog"))).isEqualTo(2f);
        assertThat(q.get(idx("run"))).isEqualTo(2f);
        assertThat(q.get(idx("cat"))).isEqualTo(1f);
        assertThat(bm25.encode("the and of", Role.QUERY).size()).isZero();
    }

    @Test
    void decodeReturnsTheTermsBehindTheIndices() {
        SparseVector v = bm25.encode("stream stream processing", Role.DOCUMENT);
        List<SparseEncoder.TokenWeight> decoded = bm25.decode(v, 5);
        assertThat(decoded)
                .extracting(SparseEncoder.TokenWeight::token)
                .containsExactly("stream", "process");
        assertThat(bm25.needsIdfModifier()).isTrue();
    }
}
