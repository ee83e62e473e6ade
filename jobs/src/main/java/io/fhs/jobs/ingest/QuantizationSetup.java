package io.fhs.jobs.ingest;

import io.fhs.jobs.collection.StoredQuantization;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.quantize.CalibrationException;
import io.fhs.operators.quantize.Int8Calibration;
import io.fhs.operators.quantize.VectorQuantization;
import io.qdrant.client.QdrantClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, once per collection, how its dense vectors are quantized, and keeps that decision in the
 * collection's metadata ({@link StoredQuantization}): the ingest job quantizes every point the same
 * way across restarts, and the query side quantizes queries with the very ranges the points were
 * written with.
 */
@Internal
public final class QuantizationSetup {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizationSetup.class);
    private static final int FEW_SAMPLES = 100;

    private QuantizationSetup() {}

    /**
     * The quantization for the configured collection: the stored one if the collection has one (it
     * must agree with the configuration), else a new one, calibrated for int8 from the file option
     * or from {@code sample}'s texts, and stored.
     */
    public static VectorQuantization prepare(
            QdrantClient client, Configuration conf, Supplier<List<String>> sample) {
        String collection = conf.get(QdrantOptions.COLLECTION);
        VectorQuantization.Mode wanted = conf.get(IngestOptions.CLIENT_QUANTIZATION);
        Optional<VectorQuantization> stored = StoredQuantization.read(client, collection);
        if (stored.isPresent()) {
            checkAgrees(conf, collection, stored.get());
            return stored.get();
        }
        VectorQuantization q =
                switch (wanted) {
                    case NONE -> VectorQuantization.none();
                    case BINARY -> VectorQuantization.binary();
                    case INT8 -> VectorQuantization.int8(calibrate(conf, sample));
                };
        StoredQuantization.write(client, collection, q);
        LOG.info("Collection {} stores {} dense vectors", collection, q);
        return q;
    }

    private static void checkAgrees(
            Configuration conf, String collection, VectorQuantization stored) {
        VectorQuantization.Mode wanted = conf.get(IngestOptions.CLIENT_QUANTIZATION);
        if (stored.mode() != wanted) {
            throw new CalibrationException(
                    IngestOptions.CLIENT_QUANTIZATION.key()
                            + " is "
                            + wanted
                            + " but collection "
                            + collection
                            + " holds "
                            + stored.mode()
                            + " vectors; use the same mode or another collection");
        }
        String file = conf.get(IngestOptions.CALIBRATION_FILE);
        if (wanted == VectorQuantization.Mode.INT8
                && file != null
                && !Int8Calibration.read(Path.of(file)).equals(stored.calibration())) {
            throw new CalibrationException(
                    IngestOptions.CALIBRATION_FILE.key()
                            + " "
                            + file
                            + " differs from the ranges collection "
                            + collection
                            + " was written with; its points would no longer compare with new"
                            + " ones. Use another collection for new ranges.");
        }
    }

    private static Int8Calibration calibrate(Configuration conf, Supplier<List<String>> sample) {
        String file = conf.get(IngestOptions.CALIBRATION_FILE);
        // Calibrated on the vectors the job writes: truncated where model.truncate-dim says.
        try (DenseEncoder encoder =
                DenseEncoder.open(
                        ModelLocator.resolve(conf.get(ModelOptions.DENSE)),
                        ModelOptions.withTruncation(conf, EncoderOptions.defaults()))) {
            Int8Calibration calibration;
            if (file != null) {
                calibration = Int8Calibration.read(Path.of(file));
            } else {
                List<String> texts = sample.get();
                if (texts.isEmpty()) {
                    throw new CalibrationException(
                            "INT8 quantization needs calibration documents, but none arrived on "
                                    + conf.get(IngestOptions.TOPIC)
                                    + " within "
                                    + IngestOptions.CALIBRATION_TIMEOUT.key()
                                    + "; produce documents first or set "
                                    + IngestOptions.CALIBRATION_FILE.key());
                }
                if (texts.size() < FEW_SAMPLES) {
                    LOG.warn(
                            "Calibrating int8 ranges on only {} chunks; ranges from few samples"
                                    + " clip later vectors",
                            texts.size());
                }
                calibration =
                        Int8Calibration.fit(Arrays.asList(encoder.encode(texts, Role.DOCUMENT)));
                LOG.info("Calibrated int8 ranges on {} chunks", texts.size());
            }
            if (calibration.dimension() != encoder.dimension()) {
                throw new CalibrationException(
                        "The int8 calibration has "
                                + calibration.dimension()
                                + " dimensions, model "
                                + conf.get(ModelOptions.DENSE)
                                + " produces "
                                + encoder.dimension());
            }
            return calibration;
        }
    }
}
