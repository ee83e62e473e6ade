package io.fhs.cli;

import io.fhs.connectors.qdrant.QdrantConnection;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.query.QueryCore;
import io.fhs.jobs.query.QueryResult;
import io.fhs.jobs.query.QuerySettings;
import java.io.PrintWriter;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;

/**
 * One search against the collection the ingest job filled, to show it works: the query core's, as
 * {@code fhs search} runs it, so an int8 or binary collection is searched with its stored
 * quantization (and binary rescoring).
 */
final class SampleSearch {
    static final int HITS = 5;

    private SampleSearch() {}

    static void print(QdrantConnection qdrant, Configuration conf, String query, PrintWriter out) {
        QuerySettings settings = QuerySettings.from(conf, qdrant);
        // Hybrid where the collection has sparse vectors: what a search would default to.
        SearchRequest.Mode mode =
                settings.hasSparse() ? SearchRequest.Mode.HYBRID : SearchRequest.Mode.DENSE;
        QueryResult r;
        try (QueryCore core = QueryCore.open(settings, qdrant)) {
            r = core.run(core.query("sample", query, mode, HITS, false));
        }
        if (r.error() != null) {
            out.printf("%nQuery: %s: %s%n", query, r.error());
            return;
        }
        out.printf(
                "%nQuery: %s (%s%s)%n",
                query,
                mode.name().toLowerCase(Locale.ROOT),
                mode == SearchRequest.Mode.HYBRID ? ", " + fusion(settings) : "");
        int rank = 1;
        for (QueryResult.Hit hit : r.hits()) {
            String text = hit.text() == null ? "" : hit.text().replaceAll("\\s+", " ");
            out.printf(
                    "  %d. %.4f  %-10s %s%n",
                    rank++,
                    hit.score(),
                    hit.docId(),
                    text.length() > 90 ? text.substring(0, 89) + "…" : text);
        }
    }

    private static String fusion(QuerySettings s) {
        return s.fusion() == SearchRequest.Fusion.RRF ? "RRF k=" + s.rrfK() : "DBSF";
    }
}
