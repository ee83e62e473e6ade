package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.Role;
import io.fhs.operators.rerank.CrossEncoder;
import io.fhs.operators.sparse.Bm25Encoder;
import io.fhs.operators.sparse.SparseVector;
import io.fhs.operators.sparse.SpladeEncoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparseAndRerankCliTest {
    static final Path MODELS = Path.of(System.getProperty("fhs.test.models.dir"));

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).floatValue();
        }
        return out;
    }

    @Test
    void bm25IsTheDefaultSparseModel() throws Exception {
        FhsCliTest.Run doc = FhsCliTest.run("", "encode", "--kind", "sparse", "The running dogs");
        FhsCliTest.Run query =
                FhsCliTest.run("", "encode", "--kind", "sparse", "--query", "The running dogs");
        int[] expected = {Bm25Encoder.termIndex("dog"), Bm25Encoder.termIndex("run")};
        java.util.Arrays.sort(expected);
        JsonNode d = doc.jsonLines().get(0);
        JsonNode q = query.jsonLines().get(0);
        assertThat(ints(d.get("indices"))).containsExactly(expected);
        assertThat(ints(q.get("indices"))).containsExactly(expected);
        assertThat(floats(q.get("values"))).containsExactly(1f, 1f);
        // tf 1 in a 2-term document with avgLen 256: 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / 256))
        assertThat(floats(d.get("values"))[0])
                .isCloseTo(
                        2.2f / (1 + 1.2f * (0.25f + 0.75f * 2 / 256)),
                        org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void spladeDirectoryPrintsTheEncodersVector() throws Exception {
        Path dir = MODELS.resolve("tiny-splade");
        JsonNode line =
                FhsCliTest.run(
                                "",
                                "encode",
                                "--kind",
                                "sparse",
                                "-m",
                                dir.toString(),
                                "--max-active-dims",
                                "8",
                                "stream processing")
                        .jsonLines()
                        .get(0);
        try (SpladeEncoder splade = new SpladeEncoder(ModelDirectory.open(dir))) {
            SparseVector want = splade.encode("stream processing", Role.DOCUMENT).topK(8);
            assertThat(ints(line.get("indices"))).containsExactly(want.indices());
            assertThat(floats(line.get("values"))).containsExactly(want.values());
        }
    }

    @Test
    void rerankPrintsDocumentsBestFirst() {
        Path dir = MODELS.resolve("tiny-cross-encoder");
        List<String> docs =
                List.of(
                        "Paris is the capital of France.",
                        "Berlin is in Germany.",
                        "a",
                        "Flink checkpoints state.");
        String[] args = new String[6 + docs.size()];
        args[0] = "rerank";
        args[1] = "-m";
        args[2] = dir.toString();
        args[3] = "-q";
        args[4] = "capital of france";
        args[5] = "--top-k=3";
        for (int i = 0; i < docs.size(); i++) {
            args[6 + i] = docs.get(i);
        }
        FhsCliTest.Run run = FhsCliTest.run("", args);
        assertThat(run.exitCode()).isZero();
        String[] lines = run.out().strip().split("\n");
        assertThat(lines).hasSize(3);
        try (CrossEncoder reranker = new CrossEncoder(ModelDirectory.open(dir))) {
            List<CrossEncoder.RankedDocument> want =
                    reranker.rank("capital of france", docs, 3, true);
            for (int i = 0; i < 3; i++) {
                String[] cols = lines[i].split("\t");
                assertThat(cols[0]).isEqualTo(String.valueOf(i + 1));
                assertThat(Float.parseFloat(cols[1]))
                        .isCloseTo(want.get(i).score(), org.assertj.core.data.Offset.offset(1e-6f));
                assertThat(cols[2]).isEqualTo(want.get(i).text());
            }
        }
    }

    @Test
    void rerankWithoutAModelSaysWhatIsMissing() {
        FhsCliTest.Run run = FhsCliTest.run("", "rerank", "-q", "x", "doc");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("rerank needs --model DIR");
    }
}
