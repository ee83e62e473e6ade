package io.fhs.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.fhs.operators.inference.SessionTuning.Optimization;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Session options change speed, not results: every variant bench encoder --session-study times
 * gives the vectors of ONNX Runtime's defaults, and gets a session of its own.
 */
class SessionTuningTest {
    private static final List<String> TEXTS =
            List.of(
                    "Time sharing operating systems for IBM computers",
                    "An algorithm for the numerical solution of ordinary differential equations",
                    "short");

    @Test
    void everyVariantEncodesAsTheDefaults() {
        SessionTuning d = SessionTuning.defaults();
        List<SessionTuning> variants =
                List.of(
                        d.withOptimization(Optimization.NONE),
                        d.withOptimization(Optimization.BASIC),
                        d.withOptimization(Optimization.EXTENDED),
                        d.withSpinning(false),
                        d.withCpuArena(false),
                        d.withMemoryPattern(false));
        float[][] expected = encode(d);
        for (SessionTuning t : variants) {
            float[][] got = encode(t);
            for (int i = 0; i < expected.length; i++) {
                for (int k = 0; k < expected[i].length; k++) {
                    assertThat(got[i][k])
                            .as("%s, text %d, dimension %d", t.label(), i, k)
                            .isCloseTo(expected[i][k], offset(2e-5f));
                }
            }
        }
    }

    @Test
    void tuningsAreSessionsOfTheirOwn() {
        Path graph = ModelLocator.resolve("all-MiniLM-L6-v2").onnxFile();
        SessionTuning other = SessionTuning.defaults().withSpinning(false);
        try (SharedSessions.Lease a = SharedSessions.acquire(graph, 1);
                SharedSessions.Lease b = SharedSessions.acquire(graph, 1, other);
                SharedSessions.Lease c = SharedSessions.acquire(graph, 1, other)) {
            assertThat(a.session()).isNotSameAs(b.session());
            assertThat(b.session()).isSameAs(c.session());
        }
        assertThat(SessionTuning.defaults().label()).isEqualTo("opt=ALL spin arena pattern");
    }

    private static float[][] encode(SessionTuning t) {
        try (DenseEncoder e =
                DenseEncoder.open(
                        ModelLocator.resolve("all-MiniLM-L6-v2"),
                        EncoderOptions.defaults().withTuning(t))) {
            return e.encode(TEXTS, Role.DOCUMENT);
        }
    }
}
