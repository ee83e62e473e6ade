package io.fhs.jobs.ingest;

import io.fhs.connectors.kafka.KafkaRejectedWrites;
import io.fhs.connectors.qdrant.QdrantException;
import io.fhs.connectors.qdrant.QdrantSink;
import io.fhs.connectors.qdrant.QdrantWrite;
import io.fhs.jobs.collection.StoredModels;
import io.fhs.jobs.collection.StoredQuantization;
import io.fhs.jobs.options.ChunkOptions;
import io.fhs.jobs.options.EncodeOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes documents into a reindex target as the ingest graph would with the target's models: the
 * same chunking, encoding, quantization and writes ({@link ChunkFunction}, {@link
 * EncodeChunksFunction}, {@link QuantizeFunction}, {@link ToQdrantWrites}, the Qdrant sink's
 * writer), called in line rather than as operators, since the models are known only once a reindex
 * starts. Blocks the calling task thread while it encodes.
 */
@Internal
final class ReindexTargetWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReindexTargetWriter.class);

    private static final SinkWriter.Context NO_CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return Long.MIN_VALUE;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    private final String collection;
    private final ChunkFunction chunker;
    private final EncodeChunksFunction encoder;
    private final Function<List<ChunkRecord>, List<EncodedChunk>> encode;
    private final QuantizeFunction quantize;
    private final ToQdrantWrites toWrites = new ToQdrantWrites();
    private final SinkWriter<QdrantWrite> sink;

    private ReindexTargetWriter(
            String collection,
            Configuration target,
            VectorQuantization quantization,
            WriterInitContext context)
            throws IOException {
        this.collection = collection;
        this.chunker =
                new ChunkFunction(
                        target.get(ModelOptions.DENSE),
                        target.get(ChunkOptions.OVERLAP_TOKENS),
                        target.get(ChunkOptions.STORE_TEXT),
                        ModelOptions.sparseScope(target),
                        target.get(EncodeOptions.CHUNK_PIECES));
        chunker.openChunker();
        this.encoder =
                new EncodeChunksFunction(
                        target.get(ModelOptions.DENSE),
                        target.get(ModelOptions.SPARSE),
                        target.get(ModelOptions.BM25_AVG_LEN),
                        target.get(EncodeOptions.BATCH_SIZE),
                        target.get(EncodeOptions.MAX_WAIT),
                        target.get(EncodeOptions.THREADS),
                        1);
        this.encode = encoder.openBatchFunction();
        this.quantize = new QuantizeFunction(quantization);
        QdrantSink<QdrantWrite> qdrant =
                IngestConnectors.qdrantSink(
                        target,
                        new KafkaRejectedWrites(
                                IngestConnectors.deadLetterProducerConfig(target),
                                IngestConnectors.deadLetterSerializer(target)));
        this.sink = qdrant.createWriter(context);
    }

    /**
     * A writer into {@code collection}, with the models and quantization its metadata records
     * (written by {@code fhs reindex} when it created it) and otherwise the job's options.
     */
    static ReindexTargetWriter open(
            Configuration jobConf, String collection, WriterInitContext context)
            throws IOException {
        StoredModels models;
        VectorQuantization quantization;
        try (QdrantClient client = QdrantOptions.connection(jobConf).open()) {
            models =
                    StoredModels.read(client, collection)
                            .orElseThrow(
                                    () ->
                                            new QdrantException(
                                                    "Reindex target "
                                                            + collection
                                                            + " records no models"));
            quantization =
                    StoredQuantization.read(client, collection).orElse(VectorQuantization.none());
        }
        Configuration target = CollectionLayout.writing(models.applyTo(jobConf), collection);
        LOG.info("Mirroring writes into {} with {}, {}", collection, models, quantization);
        return new ReindexTargetWriter(collection, target, quantization, context);
    }

    String collection() {
        return collection;
    }

    /** The chunks of {@code doc} for the target's model; none when it cannot be chunked. */
    List<ChunkRecord> chunk(DocumentEvent doc) {
        try {
            return chunker.chunk(doc);
        } catch (Exception e) {
            // The main path chunks it too and dead-letters it.
            LOG.warn("Reindex mirror: chunking document {} failed", doc.docId(), e);
            return List.of();
        }
    }

    /** Encodes and writes {@code chunks}, in order (the sink's writer batches them). */
    void write(List<ChunkRecord> chunks) throws IOException, InterruptedException {
        List<QdrantWrite> writes = new ArrayList<>();
        ListCollector<QdrantWrite> out = new ListCollector<>(writes);
        for (EncodedChunk e : encode.apply(chunks)) {
            if (e.isFailed()) {
                LOG.warn(
                        "Reindex mirror: encoding document {} chunk {} failed: {}",
                        e.chunk().docId(),
                        e.chunk().chunk(),
                        e.error());
                continue;
            }
            toWrites.flatMap(quantize.map(e), out);
        }
        for (QdrantWrite w : writes) {
            sink.write(w, NO_CONTEXT);
        }
    }

    /** Sends everything buffered and waits for it (a checkpoint then covers it). */
    void flush() throws IOException, InterruptedException {
        // The sink's writer would otherwise keep its buffer in a state that this step drops.
        sink.flush(true);
    }

    @Override
    public void close() {
        try {
            sink.close();
        } catch (Exception e) {
            LOG.warn("Closing the reindex mirror's writer into {} failed", collection, e);
        } finally {
            encoder.closeBatchFunction();
            chunker.close();
        }
    }
}
