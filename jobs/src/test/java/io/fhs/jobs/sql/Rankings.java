package io.fhs.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fhs.jobs.query.QueryResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.types.Row;

/** Compares VECTOR_SEARCH rows with the query core's hits for one query. */
final class Rankings {
    private Rankings() {}

    /** Same documents, same order, same scores. */
    static void assertSame(String query, List<Row> rows, List<QueryResult.Hit> hits) {
        assertThat(CacmSql.docIds(rows))
                .as("query %s", query)
                .containsExactlyElementsOf(hits.stream().map(QueryResult.Hit::docId).toList());
        assertScores(query, rows, hits);
    }

    /**
     * Same scores rank by rank and the same documents at each score, but for the order among equal
     * scores (RRF ties, which Qdrant orders differently from call to call) and which of the
     * documents tied at the last score made the cut.
     */
    static void assertSameUpToTies(String query, List<Row> rows, List<QueryResult.Hit> hits) {
        assertScores(query, rows, hits);
        List<String> got = CacmSql.docIds(rows);
        int from = 0;
        while (from < hits.size()) {
            int to = from;
            while (to < hits.size() && hits.get(to).score() == hits.get(from).score()) {
                to++;
            }
            if (to < hits.size()) {
                Set<String> expected = new HashSet<>();
                hits.subList(from, to).forEach(h -> expected.add(h.docId()));
                assertThat(new HashSet<>(got.subList(from, to)))
                        .as("query %s, ranks %d..%d", query, from + 1, to)
                        .isEqualTo(expected);
            }
            from = to;
        }
    }

    private static void assertScores(String query, List<Row> rows, List<QueryResult.Hit> hits) {
        assertThat(rows).as("query %s", query).hasSameSizeAs(hits);
        List<Double> got = CacmSql.scores(rows);
        List<Double> expected = new ArrayList<>();
        hits.forEach(h -> expected.add((double) h.score()));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(got.get(i))
                    .as("query %s rank %d", query, i + 1)
                    .isCloseTo(expected.get(i), within(1e-5));
        }
    }
}
