package io.fhs.jobs.cli;

import io.fhs.connectors.qdrant.QdrantSearcher;
import io.fhs.connectors.qdrant.SearchHit;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.connectors.qdrant.SparseValues;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseVector;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/** One hybrid search against the collection the ingest job filled, to show it works. */
final class SampleSearch {
    private SampleSearch() {}

    static void print(QdrantClient client, Configuration conf, String query, PrintWriter out)
            throws Exception {
        try (DenseEncoder dense = DenseEncoder.open(conf.get(ModelOptions.DENSE));
                SparseEncoder sparse = ModelOptions.openSparse(conf, dense.options());
                QdrantSearcher searcher =
                        new QdrantSearcher(
                                client, conf.get(QdrantOptions.COLLECTION), "dense", "sparse")) {
            float[] q = dense.encode(query, Role.QUERY);
            SearchRequest request =
                    sparse == null
                            ? SearchRequest.dense(q, 5)
                            : SearchRequest.hybrid(q, sparseValues(sparse, query), 5, 100);
            List<SearchHit> hits = searcher.search(request).get();
            out.printf("%nQuery: %s (%s)%n", query, sparse == null ? "dense" : "hybrid, RRF k=60");
            int rank = 1;
            for (SearchHit hit : hits) {
                Object text = hit.payload().get("text");
                String snippet = text == null ? "" : text.toString().replaceAll("\\s+", " ");
                out.printf(
                        "  %d. %.4f  %-10s %s%n",
                        rank++,
                        hit.score(),
                        hit.docId(),
                        snippet.length() > 90 ? snippet.substring(0, 89) + "…" : snippet);
            }
        }
    }

    private static SparseValues sparseValues(SparseEncoder encoder, String query) {
        SparseVector v = encoder.encode(query, Role.QUERY);
        return new SparseValues(v.indices(), v.values());
    }
}
