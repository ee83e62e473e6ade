package io.fhs.jobs.options;

import io.fhs.jobs.config.ConfigException;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.sparse.Bm25Options;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseEncoders;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The models: the dense and sparse encoders both jobs must share (queries are encoded as the
 * documents were) and the query side's cross-encoder.
 */
@PublicEvolving
public final class ModelOptions {
    private ModelOptions() {}

    /** The {@link #SPARSE} value that turns sparse vectors off. */
    public static final String NO_SPARSE = "none";

    public static final ConfigOption<String> DENSE =
            ConfigOptions.key("model.dense")
                    .stringType()
                    .defaultValue("all-MiniLM-L6-v2")
                    .withDescription("Bundled dense model name or model directory.");
    public static final ConfigOption<String> SPARSE =
            ConfigOptions.key("model.sparse")
                    .stringType()
                    .defaultValue(SparseEncoders.BM25)
                    .withDescription("bm25, a SPLADE model directory, or none.");
    public static final ConfigOption<SparseScope> SPARSE_SCOPE =
            ConfigOptions.key("model.sparse.scope")
                    .enumType(SparseScope.class)
                    .defaultValue(SparseScope.AUTO)
                    .withDescription(
                            "What a sparse vector describes: DOCUMENT (the whole document, on its"
                                    + " first chunk only: BM25 statistics count documents, as in"
                                    + " Lucene), CHUNK (every chunk its own), or AUTO: DOCUMENT for"
                                    + " bm25, CHUNK for SPLADE models.");
    public static final ConfigOption<Double> BM25_AVG_LEN =
            ConfigOptions.key("model.bm25.avg-len")
                    .doubleType()
                    .defaultValue(256.0)
                    .withDescription("BM25 average document length in analyzed terms.");
    public static final ConfigOption<Integer> TRUNCATE_DIM =
            ConfigOptions.key("model.truncate-dim")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "sentence-transformers' truncate_dim: dense embeddings keep their first"
                                    + " N dimensions (for Matryoshka-trained models), cut after the"
                                    + " model's Normalize module and not normalized again, as"
                                    + " sentence-transformers does. The collection's dense vectors"
                                    + " have N dimensions; unset keeps them all.");
    public static final ConfigOption<String> RERANK =
            ConfigOptions.key("model.rerank")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Cross-encoder model directory; reranking needs one.");

    public static boolean hasSparse(Configuration conf) {
        return !NO_SPARSE.equalsIgnoreCase(conf.get(SPARSE));
    }

    /** The scope {@link #SPARSE_SCOPE} comes to for the configured sparse model. */
    public static SparseScope sparseScope(Configuration conf) {
        return conf.get(SPARSE_SCOPE).resolve(conf.get(SPARSE));
    }

    /**
     * The configured sparse encoder (BM25 with {@link #BM25_AVG_LEN}), or null when it is {@value
     * #NO_SPARSE}. The caller closes it.
     */
    public static SparseEncoder openSparse(Configuration conf, EncoderOptions options) {
        return hasSparse(conf)
                ? SparseEncoders.open(
                        conf.get(SPARSE),
                        options,
                        Bm25Options.defaults().withAvgLen(conf.get(BM25_AVG_LEN)),
                        0)
                : null;
    }

    /** Fails early, with ModelLocator's message, when the dense model cannot be found. */
    public static void checkModels(Configuration conf) {
        ModelLocator.resolve(conf.get(DENSE));
    }

    /** The configured {@link #TRUNCATE_DIM}, 0 when unset (every dimension kept). */
    public static int truncateDim(Configuration conf) {
        return conf.getOptional(TRUNCATE_DIM).orElse(0);
    }

    /** The encoder options with the configured {@link #TRUNCATE_DIM}. */
    public static EncoderOptions withTruncation(Configuration conf, EncoderOptions options) {
        return options.withTruncateDim(truncateDim(conf));
    }

    /** Checks values early, naming the option and why. */
    public static void sanityCheck(Configuration conf) {
        OptionChecks.notBlank(conf, DENSE);
        if (conf.getOptional(TRUNCATE_DIM).isPresent()) {
            OptionChecks.positive(conf, TRUNCATE_DIM);
        }
        if (!(conf.get(BM25_AVG_LEN) > 0) || conf.get(BM25_AVG_LEN).isInfinite()) {
            throw new ConfigException(
                    BM25_AVG_LEN.key() + " must be > 0, got " + conf.get(BM25_AVG_LEN));
        }
    }
}
