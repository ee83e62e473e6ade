package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.testing.QdrantServer;
import io.fhs.connectors.testing.TestCertificates;
import io.qdrant.client.QdrantClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Qdrant server with TLS and an API key: trusted by its CA file, refused fast otherwise. */
class QdrantTlsITCase {
    static final String KEY = "tls-api-key-" + System.nanoTime();

    @RegisterExtension static final QdrantServer QDRANT = QdrantServer.tls(KEY);

    @Test
    void theCaFileAndKeyGiveAccess() throws Exception {
        QdrantConnection good = QDRANT.connection();
        QdrantConnectivity.check(good);
        try (QdrantClient client = good.open()) {
            CollectionBootstrap.ensure(client, CollectionSpec.hybrid("tls", 4, false));
            assertThat(client.collectionExistsAsync("tls").get()).isTrue();
        }
        assertThat(good.toString()).startsWith("https://127.0.0.1:").doesNotContain(KEY);
    }

    @Test
    void anUntrustedCertificateFailsAtOnceAsAConfigurationError() throws Exception {
        Path other = Files.createTempDirectory("other-ca");
        TestCertificates stranger = TestCertificates.generate(other);
        QdrantConnection wrongCa =
                QdrantConnection.fromUrl(QDRANT.url(), KEY).withCaFile(stranger.cert().toString());
        long start = System.nanoTime();
        assertThatThrownBy(() -> QdrantConnectivity.check(wrongCa))
                .isInstanceOf(QdrantException.class)
                .hasMessageContaining("Qdrant at " + QDRANT.url())
                .hasMessageContaining("TLS handshake failed")
                .hasMessageContaining("qdrant.tls.ca-file")
                .message()
                .doesNotContain(KEY);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(10);
        // Not retried for minutes by the set-up calls either.
        try (QdrantClient client = wrongCa.open()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(
                            () -> QdrantCalls.call("listing", () -> client.listCollectionsAsync()))
                    .hasMessageContaining("TLS handshake failed");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
        }
    }

    @Test
    void aPlainConnectionToTheTlsServerFailsClearly() {
        QdrantConnection plain =
                QdrantConnection.fromUrl(QDRANT.url().replace("https://", "http://"), KEY);
        assertThatThrownBy(() -> QdrantConnectivity.check(plain))
                .isInstanceOf(QdrantException.class)
                .hasMessageContaining("Qdrant at http://127.0.0.1:")
                .message()
                .doesNotContain(KEY);
    }

    @Test
    void aWrongApiKeyFailsAtOnceWithoutShowingEitherKey() {
        QdrantConnection wrongKey =
                QdrantConnection.fromUrl(QDRANT.url(), "not-the-key")
                        .withCaFile(QDRANT.certificates().cert().toString());
        long start = System.nanoTime();
        assertThatThrownBy(() -> QdrantConnectivity.check(wrongKey))
                .isInstanceOf(QdrantException.class)
                .hasMessageContaining(
                        "rejected the API key (env QDRANT_API_KEY or qdrant.api-key-file)")
                .hasMessageContaining("UNAUTHENTICATED")
                .message()
                .doesNotContain(KEY)
                .doesNotContain("not-the-key");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(10);
    }

    @Test
    void aCaFileNeedsHttpsAndMustExist() {
        assertThatThrownBy(
                        () ->
                                QdrantConnection.fromUrl("http://127.0.0.1:6334", null)
                                        .withCaFile(QDRANT.certificates().cert().toString()))
                .hasMessageContaining("needs an https Qdrant URL");
        assertThatThrownBy(
                        () ->
                                QdrantConnection.fromUrl("https://127.0.0.1:6334", null)
                                        .withCaFile("/nonexistent/ca.pem"))
                .hasMessageContaining("/nonexistent/ca.pem does not exist");
    }
}
