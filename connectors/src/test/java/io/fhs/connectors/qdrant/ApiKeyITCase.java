package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Qdrant server that requires an API key: the key is sent, and never shown. */
class ApiKeyITCase {
    static final String KEY = "s3cret-key-for-tests";

    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer(KEY);

    @Test
    void theKeyIsSentAndAWrongKeyIsRejected() throws Exception {
        QdrantConnection good = QDRANT.connection();
        try (QdrantClient client = good.open()) {
            CollectionBootstrap.ensure(client, CollectionSpec.hybrid("secured", 4, false));
            assertThat(client.collectionExistsAsync("secured").get()).isTrue();
        }
        QdrantConnection wrong =
                new QdrantConnection("127.0.0.1", good.grpcPort(), false, "nope", good.timeout());
        try (QdrantClient client = wrong.open()) {
            assertThatThrownBy(() -> client.collectionExistsAsync("secured").get())
                    .hasMessageContaining("UNAUTHENTICATED: Invalid API key");
        }
    }

    @Test
    void theKeyNeverAppearsInDescriptions() {
        assertThat(QDRANT.connection().toString()).doesNotContain(KEY).contains("api key set");
        assertThat(QdrantConnection.fromUrl("https://qdrant.example:6333", KEY).toString())
                .isEqualTo("https://qdrant.example:6334 (api key set)");
    }
}
