package io.fhs.connectors.qdrant;

import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/** An existing collection does not have the schema the job needs. */
@PublicEvolving
public class SchemaMismatchException extends QdrantException {
    private static final long serialVersionUID = 1L;

    private final List<String> differences;

    public SchemaMismatchException(String collection, List<String> differences) {
        super(
                "Collection '"
                        + collection
                        + "' exists with a different schema: "
                        + String.join("; ", differences)
                        + ". Use another collection name, or delete this one to let it be recreated.");
        this.differences = List.copyOf(differences);
    }

    public List<String> differences() {
        return differences;
    }
}
