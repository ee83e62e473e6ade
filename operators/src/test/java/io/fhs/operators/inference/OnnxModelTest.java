package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.operators.TestModels;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.rerank.CrossEncoder;
import io.fhs.operators.sparse.SpladeEncoder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The one resource behind every ONNX encoder: what fails while opening leaves nothing open, a close
 * waits for the call in flight, and every encoder refuses calls after close the same way.
 */
class OnnxModelTest {
    static final ModelDirectory MINILM = ModelLocator.resolve("all-MiniLM-L6-v2");
    static final OnnxModel.ExpectedOutput TOKEN_EMBEDDINGS =
            new OnnxModel.ExpectedOutput(3, List.of("last_hidden_state"), model -> {});

    @Test
    void aFailedEncoderCheckLeavesNoSessionOpen() {
        int before = SharedSessions.openSessions();
        OnnxModel.ExpectedOutput refused =
                new OnnxModel.ExpectedOutput(
                        3,
                        List.of("last_hidden_state"),
                        model -> {
                            assertThat(SharedSessions.openSessions()).isEqualTo(before + 1);
                            throw new ModelException("refused " + model.outputName());
                        });
        assertThatThrownBy(() -> OnnxModel.open("Test", MINILM, 128, 1, refused))
                .isInstanceOf(ModelException.class)
                .hasMessage("refused last_hidden_state");
        assertThat(SharedSessions.openSessions()).isEqualTo(before);
    }

    @Test
    void aGraphWithoutAnOutputOfTheExpectedRankFailsNamingItsOutputs() {
        int before = SharedSessions.openSessions();
        OnnxModel.ExpectedOutput rankFive =
                new OnnxModel.ExpectedOutput(5, List.of("logits"), model -> {});
        assertThatThrownBy(() -> OnnxModel.open("Test", MINILM, 128, 1, rankFive))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("expected an output of rank 5")
                .hasMessageContaining("last_hidden_state[-1, -1, 384]");
        assertThat(SharedSessions.openSessions()).isEqualTo(before);
    }

    @Test
    void closeWaitsForTheCallInFlightWhoseOutputStaysValid() throws Exception {
        OnnxModel model = OnnxModel.open("Test", MINILM, 128, 1, TOKEN_EMBEDDINGS);
        TextBatcher batcher = new TextBatcher(model.tokenizer(), new BatchPlanner(8, 1024), false);
        CountDownLatch translating = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Float> call =
                CompletableFuture.supplyAsync(
                        () -> {
                            float[] first = new float[1];
                            model.run(
                                    () -> batcher.batches(List.of("in flight"), ""),
                                    (batch, output) -> {
                                        translating.countDown();
                                        awaitQuietly(release);
                                        first[0] = output.data().get(0);
                                    });
                            return first[0];
                        });
        translating.await();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(model::close);
        CloseGuardTest.awaitWaitingClose(model.guard());
        assertThat(closing).as("close waits for the call in flight").isNotDone();
        release.countDown();
        assertThat(call.get(30, TimeUnit.SECONDS)).isNotZero().isFinite();
        closing.get(30, TimeUnit.SECONDS);
        // Tokenizing is refused too: the batches are made under the guard, not before it.
        assertThatThrownBy(
                        () ->
                                model.run(
                                        () -> batcher.batches(List.of("after"), ""),
                                        (batch, output) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Test is closed");
    }

    @Test
    void everyEncoderRefusesCallsAfterCloseAndReleasesItsSession() {
        int before = SharedSessions.openSessions();
        SpladeEncoder splade = new SpladeEncoder(TestModels.splade());
        CrossEncoder reranker = new CrossEncoder(TestModels.crossEncoder());
        DenseEncoder dense = DenseEncoder.open(MINILM, EncoderOptions.defaults());
        assertThat(SharedSessions.openSessions()).isEqualTo(before + 3);
        for (AutoCloseable encoder : List.of(splade, reranker, dense)) {
            closeTwice(encoder);
        }
        assertThat(SharedSessions.openSessions()).isEqualTo(before);
        assertThatThrownBy(() -> splade.encode(List.of("text"), Role.DOCUMENT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SpladeEncoder is closed");
        assertThatThrownBy(() -> reranker.rank("query", List.of("document"), 1, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CrossEncoder is closed");
        assertThatThrownBy(() -> dense.tokenize(List.of("text"), Role.QUERY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("DenseEncoder is closed");
    }

    private static void closeTwice(AutoCloseable encoder) {
        try {
            encoder.close();
            encoder.close();
        } catch (Exception e) {
            throw new AssertionError(encoder + " failed to close", e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
