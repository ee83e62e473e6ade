package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CollectionBootstrapITCase {
    @RegisterExtension static final QdrantServer QDRANT = new QdrantServer();
    static QdrantClient client;

    @BeforeAll
    static void connect() {
        client = QDRANT.connection().open();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void createsOnceThenReusesAMatchingCollection() throws Exception {
        CollectionSpec spec =
                CollectionSpec.hybrid("boot_reuse", 8, true)
                        .withKeywordIndexes(java.util.List.of("lang"));
        assertThat(CollectionBootstrap.ensure(client, spec)).isTrue();
        assertThat(CollectionBootstrap.ensure(client, spec)).isFalse();
        Collections.CollectionInfo info =
                QdrantCalls.call("test read", () -> client.getCollectionInfoAsync("boot_reuse"));
        assertThat(info.getPayloadSchemaMap()).containsKeys("doc_id", "chunk", "lang");
        assertThat(
                        info.getConfig()
                                .getParams()
                                .getSparseVectorsConfig()
                                .getMapMap()
                                .get("sparse")
                                .getModifier())
                .isEqualTo(Collections.Modifier.Idf);
    }

    @Test
    void quantizationAndDatatypeAreApplied() throws Exception {
        CollectionSpec spec =
                CollectionSpec.hybrid("boot_quant", 8, false)
                        .withDatatype(CollectionSpec.Datatype.UINT8)
                        .withQuantization(CollectionSpec.Quantization.SCALAR, true);
        CollectionBootstrap.ensure(client, spec);
        Collections.VectorParams dense =
                QdrantCalls.call("test read", () -> client.getCollectionInfoAsync("boot_quant"))
                        .getConfig()
                        .getParams()
                        .getVectorsConfig()
                        .getParamsMap()
                        .getMapMap()
                        .get("dense");
        assertThat(dense.getDatatype()).isEqualTo(Collections.Datatype.Uint8);
        assertThat(dense.getQuantizationConfig().getScalar().getType())
                .isEqualTo(Collections.QuantizationType.Int8);
        assertThat(dense.getQuantizationConfig().getScalar().getAlwaysRam()).isTrue();
    }

    @Test
    void aDifferentSchemaFailsSayingWhatDiffers() {
        CollectionBootstrap.ensure(
                client, CollectionSpec.hybrid("boot_mismatch", 8, false).withoutSparse());
        CollectionSpec wanted =
                CollectionSpec.hybrid("boot_mismatch", 16, true)
                        .withDistance(CollectionSpec.Distance.DOT);
        assertThatThrownBy(() -> CollectionBootstrap.ensure(client, wanted))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("Collection 'boot_mismatch' exists with a different schema")
                .hasMessageContaining("dense dimension is 8, the model needs 16")
                .hasMessageContaining("distance is Cosine, the model needs Dot")
                .hasMessageContaining("no sparse vector named 'sparse'");
        CollectionSpec renamed =
                new CollectionSpec(
                        "boot_mismatch",
                        "text",
                        8,
                        CollectionSpec.Distance.COSINE,
                        CollectionSpec.Datatype.FLOAT32,
                        false,
                        16,
                        100,
                        CollectionSpec.Quantization.NONE,
                        false,
                        null,
                        false,
                        java.util.List.of(),
                        CollectionSpec.Distribution.SINGLE);
        assertThatThrownBy(() -> CollectionBootstrap.ensure(client, renamed))
                .hasMessageContaining("no dense vector named 'text' (has [dense])");
    }

    @Test
    void anotherShardCountFailsNamingTheOption() throws Exception {
        CollectionBootstrap.ensure(
                client,
                CollectionSpec.hybrid("boot_shards", 8, false)
                        .withDistribution(new CollectionSpec.Distribution(2, 1, 1)));
        assertThat(
                        client.getCollectionInfoAsync("boot_shards")
                                .get()
                                .getConfig()
                                .getParams()
                                .getShardNumber())
                .isEqualTo(2);
        assertThatThrownBy(
                        () ->
                                CollectionBootstrap.ensure(
                                        client, CollectionSpec.hybrid("boot_shards", 8, false)))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("qdrant.shards is 2 in the collection, the job asks 1");
    }
}
