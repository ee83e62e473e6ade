package io.fhs.connectors.qdrant;

import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/** A scored point: its id, score and the payload asked for (JSON-like Java values). */
@PublicEvolving
public record SearchHit(String pointId, float score, Map<String, Object> payload) {
    public String docId() {
        Object id = payload.get(CollectionBootstrap.DOC_ID);
        return id == null ? null : id.toString();
    }

    public int chunk() {
        Object chunk = payload.get(CollectionBootstrap.CHUNK);
        return chunk instanceof Number n ? n.intValue() : -1;
    }
}
