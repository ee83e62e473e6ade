package io.fhs.jobs.sql.qdrant;

import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.QdrantSink;
import io.fhs.connectors.qdrant.QdrantSinkBuilder;
import io.fhs.connectors.qdrant.QdrantWrite;
import io.fhs.connectors.qdrant.RetryPolicy;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.ingest.QuantizationSetup;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.sql.qdrant.QdrantTableOptions.SinkChangelog;
import io.qdrant.client.QdrantClient;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * The upsert sink of a {@code qdrant} table, on the {@link QdrantSink} writer (batching, retries,
 * checkpointed buffer: at-least-once, idempotent through deterministic point ids).
 *
 * <p>Rows: the first PRIMARY KEY column is the document id, {@code sink.chunk-column} (the other
 * key column) the chunk number (else 0), so the point id is {@code PointIds.of(doc_id, chunk)} as
 * in the ingest job; {@code sink.dense-column} and {@code sink.sparse-column} are the named vectors
 * {@code dense} and {@code sparse}; every other column is payload under its name, and the sink adds
 * {@code doc_id} and {@code chunk} as the ingest job's sink does. A DELETE or UPDATE_BEFORE row
 * removes every point of its document (a document's chunks live and die together, as in the ingest
 * job); an upsert of the last chunk, with a {@code chunk_count} column, deletes the chunks beyond.
 *
 * <p>The collection is created or checked (with the ingest job's layout, {@link CollectionLayout})
 * when a statement writing the table is planned, as the DataStream job prepares it before it
 * starts; {@code DELETES_ONLY} tables only delete and leave the collection as it is.
 */
final class QdrantTableSink implements DynamicTableSink {
    /** The sink's options as the DataStream jobs' {@code qdrant.*} and {@code model.*} keys. */
    private final Configuration conf;

    private final RowLayout layout;
    private final SinkChangelog changelog;

    private QdrantTableSink(Configuration conf, RowLayout layout, SinkChangelog changelog) {
        this.conf = conf;
        this.layout = layout;
        this.changelog = changelog;
    }

    static DynamicTableSink create(
            QdrantTableFactory factory, DynamicTableFactory.Context context) {
        FactoryUtil.TableFactoryHelper helper =
                FactoryUtil.createTableFactoryHelper(factory, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        SinkChangelog changelog = options.get(QdrantTableOptions.SINK_CHANGELOG);
        RowLayout layout =
                RowLayout.of(
                        context.getCatalogTable().getResolvedSchema(),
                        options,
                        changelog == SinkChangelog.UPSERT);
        Configuration conf = jobConfiguration(options, layout.sparse() >= 0);
        check(conf);
        return new QdrantTableSink(conf, layout, changelog);
    }

    /** The table's options under the DataStream jobs' keys, so their checks and wiring apply. */
    static Configuration jobConfiguration(ReadableConfig options, boolean sparse) {
        Configuration conf = Configuration.fromMap(QdrantTableOptions.connectionKeys(options));
        for (ConfigOption<?> o : QdrantTableOptions.LAYOUT) {
            @SuppressWarnings("unchecked")
            ConfigOption<String> s = (ConfigOption<String>) o;
            options.getOptional(s)
                    .ifPresent(v -> conf.setString(QdrantTableOptions.prefixed(s.key()), v));
        }
        conf.set(ModelOptions.DENSE, options.get(QdrantTableOptions.SINK_DENSE_MODEL));
        conf.set(
                ModelOptions.SPARSE,
                sparse
                        ? options.get(QdrantTableOptions.SINK_SPARSE_MODEL)
                        : ModelOptions.NO_SPARSE);
        return conf;
    }

    private static void check(Configuration conf) {
        try {
            QdrantOptions.sanityCheck(conf);
            CollectionLayout.spec(conf);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Invalid qdrant table option (option 'x' is the jobs' 'qdrant.x'): "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        return ChangelogMode.upsert();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        if (changelog == SinkChangelog.UPSERT) {
            prepareCollection();
        }
        QdrantSink<QdrantWrite> sink =
                QdrantSink.<QdrantWrite>builder()
                        .setElementConverter(QdrantSinkBuilder.identity())
                        .setConnection(QdrantOptions.connection(conf))
                        .setCollection(conf.get(QdrantOptions.COLLECTION))
                        .setRetryPolicy(
                                RetryPolicy.DEFAULT.withMaxRetryTime(
                                        conf.get(QdrantOptions.WRITE_MAX_RETRY_TIME)))
                        .build();
        return SinkV2Provider.of(new RowQdrantSink(sink, new RowWrites(layout, changelog)));
    }

    /** Creates or checks the collection and its stored (no) quantization, as the ingest job. */
    private void prepareCollection() {
        try (QdrantClient client = QdrantOptions.connection(conf).open()) {
            CollectionBootstrap.ensure(client, CollectionLayout.spec(conf));
            QuantizationSetup.prepare(client, conf, List::of);
        }
    }

    @Override
    public DynamicTableSink copy() {
        return new QdrantTableSink(conf, layout, changelog);
    }

    @Override
    public String asSummaryString() {
        return "Qdrant[" + conf.get(QdrantOptions.COLLECTION) + "]";
    }
}
