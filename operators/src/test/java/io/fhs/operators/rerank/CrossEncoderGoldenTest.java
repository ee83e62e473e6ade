package io.fhs.operators.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.TestModels;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.rerank.CrossEncoder.RankedDocument;
import io.fhs.operators.rerank.CrossEncoder.TextPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cross-encoder against torch golden logits of the generated tiny classifier. */
class CrossEncoderGoldenTest {
    static final JsonNode GOLDEN = TestModels.golden("tiny-cross-encoder");
    static CrossEncoder reranker;

    @BeforeAll
    static void open() {
        reranker = new CrossEncoder(TestModels.crossEncoder());
    }

    @AfterAll
    static void close() {
        reranker.close();
    }

    static List<TextPair> pairs() {
        List<TextPair> pairs = new ArrayList<>();
        GOLDEN.forEach(
                g -> pairs.add(new TextPair(g.get("query").asText(), g.get("document").asText())));
        return pairs;
    }

    @Test
    void configIsReadFromTheModelDirectory() {
        assertThat(reranker.config())
                .isEqualTo(new CrossEncoderConfig(1, CrossEncoderConfig.Activation.SIGMOID, 96));
    }

    @Test
    void pairTokenizationMatchesGoldenIdsIncludingLongestFirstTruncation() {
        for (JsonNode g : GOLDEN) {
            var encoding =
                    reranker.tokenizer()
                            .encodePairs(
                                    new ai.djl.util.PairList<>(
                                            List.of(g.get("query").asText()),
                                            List.of(g.get("document").asText())))[0];
            List<Long> ids = new ArrayList<>();
            g.get("ids").forEach(id -> ids.add(id.asLong()));
            List<Long> types = new ArrayList<>();
            g.get("token_type_ids").forEach(t -> types.add(t.asLong()));
            assertThat(encoding.getIds())
                    .containsExactly(ids.stream().mapToLong(Long::longValue).toArray());
            assertThat(encoding.getTypeIds())
                    .containsExactly(types.stream().mapToLong(Long::longValue).toArray());
        }
    }

    @Test
    void sigmoidScoresMatchGoldenAloneAndInMixedBatches() {
        float[] batched = reranker.predict(pairs());
        try (CrossEncoder small =
                new CrossEncoder(
                        TestModels.crossEncoder(), EncoderOptions.defaults().withMaxBatchSize(5))) {
            float[] smallBatches = small.predict(pairs());
            for (int i = 0; i < GOLDEN.size(); i++) {
                float want = GOLDEN.get(i).get("sigmoid").floatValue();
                float alone = reranker.predict(List.of(pairs().get(i)))[0];
                assertThat(alone).as("pair %d alone", i).isCloseTo(want, within(1e-4f));
                assertThat(batched[i]).as("pair %d batched", i).isCloseTo(want, within(1e-4f));
                assertThat(smallBatches[i])
                        .as("pair %d small batches", i)
                        .isCloseTo(want, within(1e-4f));
            }
        }
    }

    @Test
    void identityActivationReturnsTheLogits(@TempDir Path tmp) throws Exception {
        Path dir = TestModels.copy(TestModels.crossEncoder(), tmp.resolve("identity"));
        String config =
                Files.readString(dir.resolve("config.json"))
                        .replace(
                                "torch.nn.modules.activation.Sigmoid",
                                "torch.nn.modules.linear.Identity");
        Files.writeString(dir.resolve("config.json"), config);
        try (CrossEncoder identity = new CrossEncoder(ModelDirectory.open(dir))) {
            assertThat(identity.config().activation())
                    .isEqualTo(CrossEncoderConfig.Activation.IDENTITY);
            float[] scores = identity.predict(pairs());
            for (int i = 0; i < GOLDEN.size(); i++) {
                assertThat(scores[i])
                        .isCloseTo(GOLDEN.get(i).get("logit").floatValue(), within(1e-4f));
            }
        }
    }

    @Test
    void rankOrdersLikeSortingTheGoldenScores() {
        String query = "how do neural networks work";
        List<String> docs = new ArrayList<>();
        List<Double> golden = new ArrayList<>();
        for (JsonNode g : GOLDEN) {
            // Only the pairs with this query have golden scores for it.
            if (g.get("query").asText().equals(query)) {
                docs.add(g.get("document").asText());
                golden.add(g.get("sigmoid").asDouble());
            }
        }
        // Add more candidates scored by the golden pairs of other queries through predict.
        List<RankedDocument> ranked = reranker.rank(query, docs, 10, true);
        List<Integer> expectedOrder = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            expectedOrder.add(i);
        }
        expectedOrder.sort(Comparator.comparingDouble(i -> -golden.get(i)));
        assertThat(ranked)
                .extracting(RankedDocument::index)
                .containsExactlyElementsOf(expectedOrder);
        assertThat(ranked.get(0).text()).isEqualTo(docs.get(expectedOrder.get(0)));
        assertThat(ranked.get(0).score())
                .isCloseTo(golden.get(expectedOrder.get(0)).floatValue(), within(1e-4f));
    }

    @Test
    void rankAcrossAllGoldenDocumentsKeepsTopKInGoldenOrder() {
        // One query against every golden document: predict's scores order the ranking.
        List<String> docs = new ArrayList<>();
        GOLDEN.forEach(g -> docs.add(g.get("document").asText()));
        String query = "capital of france";
        float[] scores = reranker.predict(docs.stream().map(d -> new TextPair(query, d)).toList());
        List<RankedDocument> top = reranker.rank(query, docs, 4, false);
        assertThat(top).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(top.get(i).text()).isNull();
            assertThat(top.get(i).score()).isEqualTo(scores[top.get(i).index()]);
            if (i > 0) {
                assertThat(top.get(i).score()).isLessThanOrEqualTo(top.get(i - 1).score());
            }
        }
        float best = Float.NEGATIVE_INFINITY;
        for (float s : scores) {
            best = Math.max(best, s);
        }
        assertThat(top.get(0).score()).isEqualTo(best);
    }

    @Test
    void aThreeThousandWordDocumentIsTruncatedNotRejected() {
        String doc = String.join(" ", java.util.Collections.nCopies(3000, "word"));
        float[] scores =
                reranker.predict(
                        List.of(new TextPair("query", doc), new TextPair("query", doc + " more")));
        assertThat(scores[0]).isBetween(0f, 1f);
        // Both are cut to the same 96 tokens, so the extra words change nothing.
        assertThat(scores[1]).isEqualTo(scores[0]);
    }

    @Test
    void aDenseModelGivenAsCrossEncoderFailsNamingTheShapes() {
        ModelDirectory dense = ModelLocator.resolve("all-MiniLM-L6-v2");
        assertThatThrownBy(
                        () ->
                                new CrossEncoder(
                                        dense,
                                        EncoderOptions.defaults(),
                                        new CrossEncoderConfig(
                                                1, CrossEncoderConfig.Activation.SIGMOID, 128)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("rank 2")
                .hasMessageContaining("logits")
                .hasMessageContaining("last_hidden_state[-1, -1, 384]");
    }
}
