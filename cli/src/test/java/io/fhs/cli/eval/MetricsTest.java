package io.fhs.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values computed by hand from trec_eval's definitions. */
class MetricsTest {
    static final Map<String, Integer> GRADED = Map.of("d1", 2, "d2", 1, "d3", 1);
    static final List<String> RANKED = List.of("d4", "d1", "d5", "d2");

    @Test
    void gradedNdcg() {
        // DCG = 2/log2(3) + 1/log2(5) = 1.2618595 + 0.4306766; ideal grades 2, 1, 1:
        // 2/log2(2) + 1/log2(3) + 1/log2(4) = 3.1309298.
        assertThat(Metrics.ndcg(RANKED, GRADED, 10)).isCloseTo(0.54058577, offset(1e-7));
        // Cut at 1: nothing relevant in the top 1.
        assertThat(Metrics.ndcg(RANKED, GRADED, 1)).isZero();
        assertThat(Metrics.ndcg(List.of("d1", "d2", "d3"), GRADED, 10))
                .isCloseTo(1.0, offset(1e-12));
        // Swapping grades 2 and 1 at the top loses gain: (1 + 2/log2(3)) / (2 + 1/log2(3)).
        assertThat(Metrics.ndcg(List.of("d2", "d1", "d3"), GRADED, 2))
                .isCloseTo((1 + 2 / 1.5849625007) / (2 + 1 / 1.5849625007), offset(1e-9));
    }

    @Test
    void mrrApAndRecall() {
        assertThat(Metrics.mrr(RANKED, GRADED, 10)).isEqualTo(0.5);
        // Relevant at ranks 2 and 4: (1/2 + 2/4) / 3 relevant documents.
        assertThat(Metrics.averagePrecision(RANKED, GRADED, 100)).isCloseTo(1.0 / 3, offset(1e-12));
        assertThat(Metrics.recall(RANKED, GRADED, 100)).isCloseTo(2.0 / 3, offset(1e-12));
        assertThat(Metrics.recall(RANKED, GRADED, 2)).isCloseTo(1.0 / 3, offset(1e-12));
    }

    @Test
    void cutoffsDropDocumentsBelowThem() {
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            late.add("n" + i);
        }
        late.add("d1");
        assertThat(Metrics.mrr(late, GRADED, 10)).isZero();
        assertThat(Metrics.ndcg(late, GRADED, 10)).isZero();
        assertThat(Metrics.averagePrecision(late, GRADED, 100))
                .isCloseTo(1.0 / 11 / 3, offset(1e-12));
        assertThat(Metrics.averagePrecision(late, GRADED, 10)).isZero();
    }

    @Test
    void queriesWithoutRetrievedRelevantScoreZeroAndUnjudgedOnesAreSkipped() {
        Qrels qrels =
                new Qrels(
                        Map.of(
                                "a", GRADED,
                                "b", Map.of("x", 1),
                                "c", Map.of("y", 0)));
        Metrics.Summary s = Metrics.Summary.of(Map.of("a", RANKED, "c", List.of("y")), qrels);
        assertThat(s.queries()).isEqualTo(2);
        assertThat(s.ndcg10()).isCloseTo(0.54058577 / 2, offset(1e-7));
        assertThat(s.mrr10()).isEqualTo(0.25);
        assertThat(s.map100()).isCloseTo(1.0 / 6, offset(1e-12));
        assertThat(s.recall100()).isCloseTo(1.0 / 3, offset(1e-12));
    }

    @Test
    void qrelsFilesAreReadWithTheirHeaderAndBadLinesNamed(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("test.tsv");
        Files.writeString(good, "query-id\tcorpus-id\tscore\n1\tD1\t2\n1\tD2\t0\n2\tD3\t1\n");
        Qrels q = Qrels.read(good);
        assertThat(q.of("1")).containsExactlyInAnyOrderEntriesOf(Map.of("D1", 2, "D2", 0));
        assertThat(q.judgedQueries()).containsExactly("1", "2");
        Path bad = tmp.resolve("bad.tsv");
        Files.writeString(bad, "1\tD1\t2\n1\tD2\tyes\n");
        assertThatThrownBy(() -> Qrels.read(bad))
                .hasMessageContaining("bad.tsv:2: score must be an integer, got 'yes'");
    }
}
