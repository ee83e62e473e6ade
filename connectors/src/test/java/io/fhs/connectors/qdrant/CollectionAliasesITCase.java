package io.fhs.connectors.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.testing.QdrantServer;
import io.qdrant.client.QdrantClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Aliases on a real Qdrant: created, moved atomically, resolved; plain collections still work. */
class CollectionAliasesITCase {
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
    void createsMovesAndResolvesAnAlias() {
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid("alias_a_v1", 4, true));
        CollectionBootstrap.ensure(client, CollectionSpec.hybrid("alias_a_v2", 4, true));
        assertThat(CollectionAliases.resolve(client, "alias_a")).isEmpty();
        assertThat(CollectionAliases.physical(client, "alias_a")).isEqualTo("alias_a");

        CollectionAliases.point(client, "alias_a", "alias_a_v1");
        assertThat(CollectionAliases.resolve(client, "alias_a")).contains("alias_a_v1");
        assertThat(CollectionAliases.list(client)).containsEntry("alias_a", "alias_a_v1");
        assertThat(CollectionAliases.isPhysical(client, "alias_a")).isFalse();
        assertThat(CollectionAliases.isPhysical(client, "alias_a_v1")).isTrue();

        CollectionAliases.point(client, "alias_a", "alias_a_v2");
        assertThat(CollectionAliases.resolve(client, "alias_a")).contains("alias_a_v2");
        // Pointing it where it points already is a no-op, not an error.
        CollectionAliases.point(client, "alias_a", "alias_a_v2");
        assertThat(CollectionAliases.list(client)).containsEntry("alias_a", "alias_a_v2");
        // The metadata of the collection behind the alias reads through the alias.
        CollectionMetadata.put(client, "alias_a_v2", "fhs.test", "two");
        assertThat(CollectionMetadata.get(client, "alias_a", "fhs.test")).contains("two");

        CollectionAliases.drop(client, "alias_a");
        assertThat(CollectionAliases.list(client)).doesNotContainKey("alias_a");
        assertThat(exists("alias_a_v2")).isFalse();
        assertThat(exists("alias_a_v1")).isTrue();
        CollectionAliases.drop(client, "alias_a_v1");
        assertThat(exists("alias_a_v1")).isFalse();
    }

    private static boolean exists(String collection) {
        return QdrantCalls.call("test exists", () -> client.collectionExistsAsync(collection));
    }

    @Test
    void bootstrapCreatesThePhysicalCollectionBehindANewAliasAndReusesIt() {
        CollectionSpec spec = CollectionSpec.hybrid("alias_b", 4, true);
        assertThat(CollectionBootstrap.ensureBehindAlias(client, spec, "alias_b-m-v1"))
                .isEqualTo("alias_b-m-v1");
        assertThat(CollectionAliases.resolve(client, "alias_b")).contains("alias_b-m-v1");
        // Later starts find the alias and keep its collection, whatever name they would create.
        assertThat(CollectionBootstrap.ensureBehindAlias(client, spec, "alias_b-m-v2"))
                .isEqualTo("alias_b-m-v1");
        assertThat(
                        QdrantCalls.call(
                                "test exists", () -> client.collectionExistsAsync("alias_b-m-v2")))
                .isFalse();
    }

    @Test
    void aPlainCollectionOfTheNameIsUsedDirectly() {
        CollectionSpec spec = CollectionSpec.hybrid("alias_plain", 4, true);
        CollectionBootstrap.ensure(client, spec);
        assertThat(CollectionBootstrap.ensureBehindAlias(client, spec, "alias_plain-m-v1"))
                .isEqualTo("alias_plain");
        assertThat(CollectionAliases.resolve(client, "alias_plain")).isEmpty();
        assertThat(
                        QdrantCalls.call(
                                "test exists",
                                () -> client.collectionExistsAsync("alias_plain-m-v1")))
                .isFalse();
    }
}
