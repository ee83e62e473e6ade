package io.fhs.connectors.qdrant;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.DeleteAlias;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collection aliases: the name the jobs are configured with ({@code qdrant.collection}) may be an
 * alias of a physical collection that carries the model in its name and metadata, so that a reindex
 * can build a new physical collection and switch the alias to it in one step. Blocking calls, for
 * set-up code and command-line tools.
 */
@PublicEvolving
public final class CollectionAliases {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionAliases.class);

    private CollectionAliases() {}

    /** Every alias and the physical collection it points to, sorted by alias. */
    public static Map<String, String> list(QdrantClient client) {
        List<AliasDescription> aliases =
                QdrantCalls.call("listing collection aliases", client::listAliasesAsync);
        Map<String, String> out = new TreeMap<>();
        for (AliasDescription a : aliases) {
            out.put(a.getAliasName(), a.getCollectionName());
        }
        return out;
    }

    /** The physical collection {@code alias} points to, or empty when it is no alias. */
    public static Optional<String> resolve(QdrantClient client, String alias) {
        return Optional.ofNullable(list(client).get(alias));
    }

    /**
     * The physical collection behind {@code name}: the alias's collection when {@code name} is an
     * alias, else {@code name} itself (a plain collection, or one not created yet).
     */
    public static String physical(QdrantClient client, String name) {
        return resolve(client, name).orElse(name);
    }

    /**
     * Points {@code alias} at {@code collection}, creating the alias or moving it. A move deletes
     * and re-creates the alias in one {@code updateAliases} call, which Qdrant applies atomically:
     * every request names either the old or the new collection, never none.
     */
    public static void point(QdrantClient client, String alias, String collection) {
        Optional<String> before = resolve(client, alias);
        if (before.isPresent() && before.get().equals(collection)) {
            return;
        }
        List<AliasOperations> ops = new ArrayList<>(2);
        if (before.isPresent()) {
            ops.add(
                    AliasOperations.newBuilder()
                            .setDeleteAlias(DeleteAlias.newBuilder().setAliasName(alias))
                            .build());
        }
        ops.add(
                AliasOperations.newBuilder()
                        .setCreateAlias(
                                CreateAlias.newBuilder()
                                        .setAliasName(alias)
                                        .setCollectionName(collection))
                        .build());
        QdrantCalls.call(
                "pointing alias " + alias + " at collection " + collection,
                () -> client.updateAliasesAsync(ops));
        LOG.info(
                "Alias {} now points at collection {} (was {})",
                alias,
                collection,
                before.orElse("none"));
    }

    /**
     * Drops {@code name}: the alias and the collection behind it when it is an alias (Qdrant
     * refuses to delete a collection by an alias's name), else the collection itself.
     */
    public static void drop(QdrantClient client, String name) {
        Optional<String> target = resolve(client, name);
        if (target.isPresent()) {
            QdrantCalls.call("deleting alias " + name, () -> client.deleteAliasAsync(name));
        }
        String physical = target.orElse(name);
        QdrantCalls.call("dropping " + physical, () -> client.deleteCollectionAsync(physical));
    }

    /** Whether a physical collection (not an alias) named {@code name} exists. */
    public static boolean isPhysical(QdrantClient client, String name) {
        return !list(client).containsKey(name)
                && QdrantCalls.call(
                        "checking collection " + name, () -> client.collectionExistsAsync(name));
    }
}
