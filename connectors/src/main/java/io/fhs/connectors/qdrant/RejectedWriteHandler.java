package io.fhs.connectors.qdrant;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Where the Qdrant sink sends writes that Qdrant refused for a reason a retry cannot fix (a payload
 * it cannot decode, an invalid argument), so that the job goes on without them. The sink completes
 * a batch only once {@link Session#reject} has completed: a checkpoint never passes a refused write
 * that is not stored.
 */
@PublicEvolving
public interface RejectedWriteHandler extends Serializable {
    /** Opens what one sink writer (subtask) uses; the writer closes it. */
    Session open();

    /** One writer's connection to wherever rejected writes go. */
    interface Session extends AutoCloseable {
        /** Completes once every write in {@code rejected} is stored (acknowledged). */
        CompletableFuture<Void> reject(List<RejectedWrite> rejected);

        @Override
        void close();
    }

    /** A write Qdrant refused, with Qdrant's reason. */
    record RejectedWrite(QdrantWrite write, String reason) {}
}
