package io.fhs.connectors.qdrant;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the collection a {@link CollectionSpec} describes, or checks that an existing one matches
 * it. Runs once when a job starts (blocking is fine there, never on a task thread).
 */
@PublicEvolving
public final class CollectionBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionBootstrap.class);

    /** Payload fields every collection indexes: deletes and updates filter on them. */
    public static final String DOC_ID = "doc_id";

    public static final String CHUNK = "chunk";

    /** The document version a guarded write compares (see {@link QdrantWrite#withVersion}). */
    public static final String VERSION = "version";

    private CollectionBootstrap() {}

    /** Creates the collection if missing; returns true if it was created. */
    public static boolean ensure(QdrantClient client, CollectionSpec spec) {
        String name = spec.name();
        if (QdrantCalls.call(
                "checking collection " + name, () -> client.collectionExistsAsync(name))) {
            checkSchema(client, spec);
            LOG.info("Reusing Qdrant collection {}", name);
            return false;
        }
        try {
            QdrantCalls.call(
                    "creating collection " + name,
                    () -> client.createCollectionAsync(createRequest(spec)));
        } catch (QdrantException e) {
            // A create whose response was lost may have succeeded; then the retry found it
            // existing.
            if (!QdrantCalls.call(
                    "checking collection " + name, () -> client.collectionExistsAsync(name))) {
                throw e;
            }
            checkSchema(client, spec);
        }
        index(client, name, DOC_ID, PayloadSchemaType.Keyword);
        index(client, name, CHUNK, PayloadSchemaType.Integer);
        index(client, name, VERSION, PayloadSchemaType.Integer);
        for (String field : spec.keywordIndexes()) {
            index(client, name, field, PayloadSchemaType.Keyword);
        }
        LOG.info(
                "Created Qdrant collection {} ({} dims, prefix {}, {}, {})",
                name,
                spec.dimension(),
                spec.prefixDimension(),
                spec.distance(),
                spec.distribution());
        return true;
    }

    /**
     * Prepares the collection behind the alias {@code spec.name()}, and returns the physical
     * collection's name: the alias's collection when the alias exists (checked against the spec);
     * the collection itself when a plain collection of that name exists (as before aliases); else
     * {@code physicalName}, created and the alias pointed at it.
     */
    public static String ensureBehindAlias(
            QdrantClient client, CollectionSpec spec, String physicalName) {
        String alias = spec.name();
        Optional<String> target = CollectionAliases.resolve(client, alias);
        if (target.isPresent()) {
            ensure(client, spec.withName(target.get()));
            return target.get();
        }
        if (QdrantCalls.call(
                "checking collection " + alias, () -> client.collectionExistsAsync(alias))) {
            LOG.info("Collection {} is a plain collection, not an alias: using it directly", alias);
            ensure(client, spec);
            return alias;
        }
        ensure(client, spec.withName(physicalName));
        CollectionAliases.point(client, alias, physicalName);
        return physicalName;
    }

    private static void checkSchema(QdrantClient client, CollectionSpec spec) {
        List<String> differences =
                differences(
                        QdrantCalls.call(
                                "reading collection " + spec.name(),
                                () -> client.getCollectionInfoAsync(spec.name())),
                        spec);
        if (!differences.isEmpty()) {
            throw new SchemaMismatchException(spec.name(), differences);
        }
    }

    // Creating an index that exists is a no-op in Qdrant, so retries are safe.
    private static void index(
            QdrantClient client, String collection, String field, PayloadSchemaType type) {
        QdrantCalls.call(
                "indexing payload field " + field,
                () ->
                        client.createPayloadIndexAsync(
                                collection, field, type, null, true, null, null));
    }

    static CreateCollection createRequest(CollectionSpec spec) {
        VectorParams.Builder dense =
                VectorParams.newBuilder()
                        .setSize(spec.dimension())
                        .setDistance(distance(spec.distance()))
                        .setOnDisk(spec.onDisk())
                        .setDatatype(datatype(spec.datatype()))
                        .setHnswConfig(
                                Collections.HnswConfigDiff.newBuilder()
                                        .setM(spec.hnswM())
                                        .setEfConstruct(spec.hnswEfConstruct()));
        switch (spec.quantization()) {
            case SCALAR ->
                    dense.setQuantizationConfig(
                            Collections.QuantizationConfig.newBuilder()
                                    .setScalar(
                                            Collections.ScalarQuantization.newBuilder()
                                                    .setType(Collections.QuantizationType.Int8)
                                                    .setAlwaysRam(spec.quantizationAlwaysRam())));
            case BINARY ->
                    dense.setQuantizationConfig(
                            Collections.QuantizationConfig.newBuilder()
                                    .setBinary(
                                            Collections.BinaryQuantization.newBuilder()
                                                    .setAlwaysRam(spec.quantizationAlwaysRam())));
            case NONE -> {}
        }
        Collections.VectorParamsMap.Builder vectors =
                Collections.VectorParamsMap.newBuilder().putMap(spec.denseName(), dense.build());
        if (spec.prefixDimension() > 0) {
            // Searched only for a two-stage search's candidates: float32, same graph settings.
            vectors.putMap(
                    MatryoshkaPrefix.VECTOR_NAME,
                    VectorParams.newBuilder()
                            .setSize(spec.prefixDimension())
                            .setDistance(distance(spec.distance()))
                            .setOnDisk(spec.onDisk())
                            .setHnswConfig(
                                    Collections.HnswConfigDiff.newBuilder()
                                            .setM(spec.hnswM())
                                            .setEfConstruct(spec.hnswEfConstruct()))
                            .build());
        }
        CollectionSpec.Distribution spread = spec.distribution();
        CreateCollection.Builder create =
                CreateCollection.newBuilder()
                        .setCollectionName(spec.name())
                        .setShardNumber(spread.shards())
                        .setReplicationFactor(spread.replicationFactor())
                        .setWriteConsistencyFactor(spread.writeConsistencyFactor())
                        .setVectorsConfig(
                                Collections.VectorsConfig.newBuilder().setParamsMap(vectors));
        if (spec.hasSparse()) {
            Collections.SparseVectorParams.Builder sparse =
                    Collections.SparseVectorParams.newBuilder();
            if (spec.sparseIdf()) {
                sparse.setModifier(Collections.Modifier.Idf);
            }
            create.setSparseVectorsConfig(
                    Collections.SparseVectorConfig.newBuilder()
                            .putMap(spec.sparseName(), sparse.build()));
        }
        return create.build();
    }

    /** What differs between an existing collection and the spec, in words; empty when it fits. */
    static List<String> differences(CollectionInfo info, CollectionSpec spec) {
        List<String> out = new ArrayList<>();
        Collections.CollectionParams params = info.getConfig().getParams();
        Map<String, VectorParams> dense = params.getVectorsConfig().getParamsMap().getMapMap();
        VectorParams existing = dense.get(spec.denseName());
        if (existing == null) {
            out.add(
                    "no dense vector named '"
                            + spec.denseName()
                            + "' (has "
                            + dense.keySet()
                            + ")");
        } else {
            if (existing.getSize() != spec.dimension()) {
                out.add(
                        "dense dimension is "
                                + existing.getSize()
                                + ", the model needs "
                                + spec.dimension()
                                + " (model.dense, model.truncate-dim)");
            }
            if (existing.getDistance() != distance(spec.distance())) {
                out.add(
                        "distance is "
                                + existing.getDistance()
                                + ", the model needs "
                                + distance(spec.distance()));
            }
            Collections.Datatype wantType = datatype(spec.datatype());
            Collections.Datatype hasType =
                    existing.hasDatatype() ? existing.getDatatype() : Collections.Datatype.Float32;
            if (hasType != wantType) {
                out.add("dense datatype is " + hasType + ", the job writes " + wantType);
            }
        }
        prefixDifferences(dense.get(MatryoshkaPrefix.VECTOR_NAME), spec, out);
        if (spec.hasSparse()) {
            Map<String, Collections.SparseVectorParams> sparse =
                    params.getSparseVectorsConfig().getMapMap();
            Collections.SparseVectorParams s = sparse.get(spec.sparseName());
            if (s == null) {
                out.add(
                        "no sparse vector named '"
                                + spec.sparseName()
                                + "' (has "
                                + sparse.keySet()
                                + ")");
            } else if ((s.hasModifier() && s.getModifier() == Collections.Modifier.Idf)
                    != spec.sparseIdf()) {
                out.add(
                        "sparse IDF modifier is "
                                + (spec.sparseIdf() ? "off" : "on")
                                + ", the sparse encoder needs it "
                                + (spec.sparseIdf() ? "on (BM25)" : "off"));
            }
        }
        distributionDifferences(params, spec.distribution(), out);
        return out;
    }

    // Points written without the prefix vector would be missing from two-stage searches.
    private static void prefixDifferences(
            VectorParams existing, CollectionSpec spec, List<String> out) {
        int has = existing == null ? 0 : (int) existing.getSize();
        if (has != spec.prefixDimension()) {
            out.add(
                    "qdrant.matryoshka-dim is "
                            + (has == 0 ? "unset" : has)
                            + " in the collection, the job asks "
                            + (spec.prefixDimension() == 0 ? "none" : spec.prefixDimension()));
        }
    }

    // Named by the options that set them: fixing one means changing an option or the collection.
    private static void distributionDifferences(
            Collections.CollectionParams params,
            CollectionSpec.Distribution wanted,
            List<String> out) {
        // Unset factors read as Qdrant's default of 1.
        differs(out, "qdrant.shards", params.getShardNumber(), wanted.shards());
        differs(
                out,
                "qdrant.replication-factor",
                params.hasReplicationFactor() ? params.getReplicationFactor() : 1,
                wanted.replicationFactor());
        differs(
                out,
                "qdrant.write-consistency-factor",
                params.hasWriteConsistencyFactor() ? params.getWriteConsistencyFactor() : 1,
                wanted.writeConsistencyFactor());
    }

    private static void differs(List<String> out, String option, int existing, int wanted) {
        if (existing != wanted) {
            out.add(option + " is " + existing + " in the collection, the job asks " + wanted);
        }
    }

    static Collections.Datatype datatype(CollectionSpec.Datatype d) {
        return switch (d) {
            case FLOAT32 -> Collections.Datatype.Float32;
            case FLOAT16 -> Collections.Datatype.Float16;
            case UINT8 -> Collections.Datatype.Uint8;
        };
    }

    static Collections.Distance distance(CollectionSpec.Distance d) {
        return switch (d) {
            case COSINE -> Collections.Distance.Cosine;
            case DOT -> Collections.Distance.Dot;
            case EUCLID -> Collections.Distance.Euclid;
            case MANHATTAN -> Collections.Distance.Manhattan;
        };
    }
}
