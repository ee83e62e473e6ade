package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class QdrantErrorsTest {
    static Throwable failed(Status status) {
        return new ExecutionException(status.asRuntimeException());
    }

    @Test
    void aPeerRestartingInAClusterIsTransientAndARealRefusalIsNot() {
        // As Qdrant 1.16.3 answered through node 0 while node 2 restarted (the fault drill).
        Throwable peer =
                failed(
                        Status.INTERNAL.withDescription(
                                "Service internal error: 2 out of 3 shards failed to apply"
                                        + " operation. First error captured: Service internal"
                                        + " error: status: Unavailable, message: \\\"error trying"
                                        + " to connect: tcp connect error: Connection refused"));
        assertThat(QdrantErrors.classify(peer)).isEqualTo(QdrantErrors.Kind.TRANSIENT);
        Throwable decode =
                failed(
                        Status.INTERNAL.withDescription(
                                "failed to decode Protobuf message: recursion limit reached"));
        assertThat(QdrantErrors.classify(decode)).isEqualTo(QdrantErrors.Kind.REFUSED);
        assertThat(QdrantErrors.classify(failed(Status.INTERNAL)))
                .isEqualTo(QdrantErrors.Kind.REFUSED);
        assertThat(QdrantErrors.classify(failed(Status.UNAVAILABLE)))
                .isEqualTo(QdrantErrors.Kind.TRANSIENT);
        assertThat(QdrantErrors.classify(failed(Status.NOT_FOUND)))
                .isEqualTo(QdrantErrors.Kind.FATAL);
    }
}
