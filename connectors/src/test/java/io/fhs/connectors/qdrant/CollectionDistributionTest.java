package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import org.junit.jupiter.api.Test;

/** Shards and replicas: what the bootstrap creates, and how an existing collection is compared. */
class CollectionDistributionTest {
    static final CollectionSpec.Distribution REPLICATED = new CollectionSpec.Distribution(3, 2, 1);

    @Test
    void theCreateRequestCarriesShardsReplicasAndWriteConsistency() {
        CreateCollection create =
                CollectionBootstrap.createRequest(
                        CollectionSpec.hybrid("c", 4, false).withDistribution(REPLICATED));
        assertThat(create.getShardNumber()).isEqualTo(3);
        assertThat(create.getReplicationFactor()).isEqualTo(2);
        assertThat(create.getWriteConsistencyFactor()).isEqualTo(1);
    }

    @Test
    void differingValuesAreNamedByTheirOptions() {
        CreateCollection created =
                CollectionBootstrap.createRequest(
                        CollectionSpec.hybrid("c", 4, false).withDistribution(REPLICATED));
        CollectionInfo info =
                info(params(created).setReplicationFactor(2).setWriteConsistencyFactor(1));
        assertThat(
                        CollectionBootstrap.differences(
                                info,
                                CollectionSpec.hybrid("c", 4, false).withDistribution(REPLICATED)))
                .isEmpty();
        assertThat(
                        CollectionBootstrap.differences(
                                info,
                                CollectionSpec.hybrid("c", 4, false)
                                        .withDistribution(
                                                new CollectionSpec.Distribution(2, 1, 1))))
                .containsExactly(
                        "qdrant.shards is 3 in the collection, the job asks 2",
                        "qdrant.replication-factor is 2 in the collection, the job asks 1");
    }

    @Test
    void unsetFactorsReadAsQdrantsDefaultOfOne() {
        CollectionSpec single = CollectionSpec.hybrid("c", 4, false);
        CollectionInfo info = info(params(CollectionBootstrap.createRequest(single)));
        assertThat(CollectionBootstrap.differences(info, CollectionSpec.hybrid("c", 4, false)))
                .isEmpty();
    }

    @Test
    void writeConsistencyAboveTheReplicationFactorIsRefused() {
        assertThatThrownBy(() -> new CollectionSpec.Distribution(3, 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "write consistency factor 2 exceeds the replication factor 1");
    }

    // What Qdrant reports for a collection created by this request, factors left unset.
    private static Collections.CollectionParams.Builder params(CreateCollection created) {
        return Collections.CollectionParams.newBuilder()
                .setShardNumber(created.getShardNumber())
                .setVectorsConfig(created.getVectorsConfig())
                .setSparseVectorsConfig(created.getSparseVectorsConfig());
    }

    private static CollectionInfo info(Collections.CollectionParams.Builder params) {
        return CollectionInfo.newBuilder()
                .setConfig(Collections.CollectionConfig.newBuilder().setParams(params))
                .build();
    }
}
