package io.fhs.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.apache.flink.runtime.JobException;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

class FailureCauseTest {
    @Test
    void skipsFlinkAndJdkWrappersToTheFirstOwnCause() {
        Throwable failure =
                new JobException(
                        "Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy",
                        new CompletionException(
                                new IllegalStateException(
                                        "Qdrant at http://h:6334 kept failing for 5012 ms",
                                        new IOException("Connection refused"))));
        assertThat(FailureCause.describe(failure))
                .isEqualTo(
                        "IllegalStateException: Qdrant at http://h:6334 kept failing for 5012 ms");
    }

    @Test
    void readsTheOriginalClassOfSerializedFailures() {
        // What the exception history and the job result hold: copies that keep the cause chain.
        Throwable serialized =
                new SerializedThrowable(
                        new FlinkRuntimeException(
                                "wrapped", new IllegalArgumentException("bad value\n")));
        assertThat(FailureCause.describe(serialized))
                .isEqualTo("IllegalArgumentException: bad value");
    }

    @Test
    void fallsBackToTheDeepestWrapperAndItsClassAlone() {
        assertThat(FailureCause.describe(new FlinkRuntimeException("only Flink")))
                .isEqualTo("FlinkRuntimeException: only Flink");
        assertThat(FailureCause.describe(new NullPointerException()))
                .isEqualTo("NullPointerException");
        assertThat(FailureCause.describe(new SerializedThrowable(new NullPointerException())))
                .isEqualTo("NullPointerException");
    }
}
