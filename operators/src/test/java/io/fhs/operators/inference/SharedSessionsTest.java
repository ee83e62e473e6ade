package io.fhs.operators.inference;

import static io.fhs.operators.TestVectors.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.operators.TestModels;
import io.fhs.operators.model.Role;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Parallel operator instances in one TaskManager must share one ONNX Runtime session per model, or
 * every subtask would hold its own copy of the weights.
 */
class SharedSessionsTest {
    @Test
    void twoEncodersOfOneModelShareOneSessionUntilBothAreClosed() {
        int before = SharedSessions.openSessions();
        DenseEncoder first = DenseEncoder.open("all-MiniLM-L6-v2");
        try {
            assertThat(SharedSessions.openSessions()).isEqualTo(before + 1);
            try (DenseEncoder second = DenseEncoder.open("all-MiniLM-L6-v2")) {
                assertThat(SharedSessions.openSessions()).isEqualTo(before + 1);
                assertThat(
                                maxAbsDiff(
                                        first.encode("shared weights", Role.DOCUMENT),
                                        second.encode("shared weights", Role.DOCUMENT)))
                        .isZero();
            }
            // The first encoder still holds the session and can still use it.
            assertThat(SharedSessions.openSessions()).isEqualTo(before + 1);
            assertThat(first.encode("still open", Role.DOCUMENT)).hasSize(384);
        } finally {
            first.close();
        }
        assertThat(SharedSessions.openSessions()).isEqualTo(before);
    }

    @Test
    void aDifferentThreadCountGetsItsOwnSession() {
        int before = SharedSessions.openSessions();
        Path graph = TestModels.splade().onnxFile();
        try (SharedSessions.Lease a = SharedSessions.acquire(graph, 1);
                SharedSessions.Lease b = SharedSessions.acquire(graph, 1);
                SharedSessions.Lease c = SharedSessions.acquire(graph, 2)) {
            assertThat(a.session()).isSameAs(b.session()).isNotSameAs(c.session());
            assertThat(SharedSessions.openSessions()).isEqualTo(before + 2);
        }
        assertThat(SharedSessions.openSessions()).isEqualTo(before);
    }

    @Test
    void closingALeaseTwiceReleasesItOnce() {
        int before = SharedSessions.openSessions();
        Path graph = TestModels.splade().onnxFile();
        try (SharedSessions.Lease kept = SharedSessions.acquire(graph, 1)) {
            SharedSessions.Lease closedTwice = SharedSessions.acquire(graph, 1);
            closedTwice.close();
            closedTwice.close();
            // A second release would have closed the session under the lease that is kept.
            assertThat(SharedSessions.openSessions()).isEqualTo(before + 1);
            assertThat(kept.session().getNumInputs()).isPositive();
        }
        assertThat(SharedSessions.openSessions()).isEqualTo(before);
    }
}
