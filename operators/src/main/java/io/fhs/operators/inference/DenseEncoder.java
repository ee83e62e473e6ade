package io.fhs.operators.inference;

import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.model.Role;
import io.fhs.operators.model.SentenceTransformerConfig;
import io.fhs.operators.similarity.SimilarityFunction;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A sentence-transformers bi-encoder on ONNX Runtime, with sentence-transformers' semantics:
 * prompts, whitespace stripping, lower-casing, truncation to {@code max_seq_length}, pooling and
 * normalization as the model directory configures them.
 *
 * <p>Thread-safe. Each {@link #encode} call tokenizes all its texts at once, sorts them by length
 * and runs them in dynamically padded batches, so a text's vector does not depend on its batch. The
 * tokenizer, session and their life cycle are the {@link OnnxModel}'s; this class translates texts
 * to batches and token embeddings to sentence embeddings.
 */
@PublicEvolving
public final class DenseEncoder implements AutoCloseable {
    private final ModelDirectory dir;
    private final SentenceTransformerConfig config;
    private final EncoderOptions options;
    private final OnnxModel model;
    private final TextBatcher batcher;
    private final Pooler pooler;
    private final int queryPromptTokens;
    private final int documentPromptTokens;
    // The embeddings' size after truncate_dim: the pooled size or less.
    private final int dimension;
    private final Optional<PieceRows> queryPieces;
    private final Optional<PieceRows> documentPieces;

    private DenseEncoder(ModelDirectory dir, EncoderOptions options) {
        this.dir = dir;
        this.config = SentenceTransformerConfig.load(dir);
        this.options = options;
        int hidden = config.embeddingDimension() / config.poolingModes().size();
        this.model =
                OnnxModel.open(
                        "DenseEncoder",
                        dir,
                        config.maxSeqLength(),
                        options.intraOpThreads(),
                        options.tuning(),
                        new OnnxModel.ExpectedOutput(
                                3,
                                List.of("last_hidden_state", "token_embeddings"),
                                onnx -> checkHiddenSize(onnx, hidden)));
        this.pooler = new Pooler(config.poolingModes(), hidden, config.normalize());
        this.dimension = truncatedDimension(pooler.dimension(), options.truncateDim());
        this.batcher = new TextBatcher(model.tokenizer(), options.planner(), config.doLowerCase());
        if (dimension > pooler.dimension()) {
            model.close();
            throw new ModelException(
                    dir.name()
                            + ": truncate_dim "
                            + options.truncateDim()
                            + " exceeds the model's "
                            + pooler.dimension()
                            + " dimensions");
        }
        try {
            this.queryPromptTokens = batcher.promptTokens(config.promptFor(Role.QUERY));
            this.documentPromptTokens = batcher.promptTokens(config.promptFor(Role.DOCUMENT));
            this.queryPieces = PieceRows.of(dir, batcher, config.promptFor(Role.QUERY));
            this.documentPieces = PieceRows.of(dir, batcher, config.promptFor(Role.DOCUMENT));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static int truncatedDimension(int pooled, int truncateDim) {
        return truncateDim == 0 ? pooled : truncateDim;
    }

    private static void checkHiddenSize(OnnxModel onnx, int hidden) {
        if (onnx.outputLastDim() > 0 && onnx.outputLastDim() != hidden) {
            throw new ModelException(
                    onnx.file()
                            + ": output "
                            + onnx.outputName()
                            + " has hidden size "
                            + onnx.outputLastDim()
                            + " but 1_Pooling/config.json says word_embedding_dimension "
                            + hidden);
        }
    }

    public static DenseEncoder open(ModelDirectory dir, EncoderOptions options) {
        return new DenseEncoder(dir, options);
    }

    /** Opens a bundled model by name, or a model directory by path, with default options. */
    public static DenseEncoder open(String model) {
        return open(ModelLocator.resolve(model), EncoderOptions.defaults());
    }

    /** Encodes texts; the i-th vector belongs to the i-th text. A repeated text is run once. */
    public float[][] encode(List<String> texts, Role role) {
        DistinctTexts distinct = DistinctTexts.of(texts);
        return distinct.expand(encodeDistinct(distinct.texts(), role));
    }

    /**
     * Encodes texts of which some come with their word pieces, so that they are not tokenized
     * again: {@code pieces.get(i)} is null, or the ids the model's own tokenizer gives {@code
     * texts.get(i)} without special tokens (as a chunker gives them). The vectors are those of
     * {@link #encode(List, Role)}: pieces are used only where the row built from them is provably
     * the tokenizer's (see {@link #takesPieces}), and text i is tokenized otherwise.
     */
    public float[][] encode(List<String> texts, List<int[]> pieces, Role role) {
        if (pieces.size() != texts.size()) {
            throw new IllegalArgumentException(
                    texts.size() + " texts but " + pieces.size() + " piece lists");
        }
        DistinctTexts distinct = DistinctTexts.of(texts);
        return distinct.expand(
                encodeDistinct(distinct.texts(), distinct.firstOfEach(pieces), role));
    }

    /**
     * Whether {@link #encode(List, List, Role)} can take pieces for {@code role} at all: the
     * tokenizer's pieces concatenate and the role's prompt ends a word.
     */
    public boolean takesPieces(Role role) {
        return pieceRows(role).isPresent();
    }

    private float[][] encodeDistinct(List<String> texts, Role role) {
        return encodeDistinct(texts, null, role);
    }

    private float[][] encodeDistinct(List<String> texts, List<int[]> pieces, Role role) {
        float[][] out = new float[texts.size()][];
        if (texts.isEmpty()) {
            return out;
        }
        int skip = config.includePrompt() ? 0 : promptTokens(role);
        model.run(
                () -> batches(texts, pieces, role),
                (batch, output) -> {
                    int seqLen = (int) output.shape()[1];
                    for (int i = 0; i < batch.size(); i++) {
                        out[batch.row(i)] =
                                truncate(
                                        pooler.pool(
                                                output.data(), seqLen, i, batch.length(i), skip));
                    }
                });
        return out;
    }

    /**
     * sentence-transformers' {@code truncate_dim}: {@code SentenceTransformer.encode} cuts the
     * output of the last module (after {@code Normalize}) and does not normalize again, so a
     * truncated embedding of a normalizing model is shorter than 1. Cosine search does not mind;
     * the two-stage prefix vector is normalized where it is stored ({@code MatryoshkaPrefix}).
     */
    private float[] truncate(float[] pooled) {
        return dimension == pooled.length ? pooled : Arrays.copyOf(pooled, dimension);
    }

    public float[] encode(String text, Role role) {
        return encode(List.of(text), role)[0];
    }

    /**
     * The padded batches {@link #encode} would run, in order: one tokenizer call, length-sorted
     * rows, each batch padded to its own longest row.
     */
    public List<TokenizedBatch> tokenize(List<String> texts, Role role) {
        return model.guarded(() -> batches(texts, role));
    }

    /** As {@link #tokenize(List, Role)}, with word pieces as {@link #encode(List, List, Role)}. */
    public List<TokenizedBatch> tokenize(List<String> texts, List<int[]> pieces, Role role) {
        return model.guarded(() -> batches(texts, pieces, role));
    }

    private List<TokenizedBatch> batches(List<String> texts, Role role) {
        return batcher.batches(texts, config.promptFor(role));
    }

    private List<TokenizedBatch> batches(List<String> texts, List<int[]> pieces, Role role) {
        Optional<PieceRows> rows = pieceRows(role);
        if (pieces == null || rows.isEmpty()) {
            return batches(texts, role);
        }
        return batcher.batches(texts, pieces, config.promptFor(role), rows.get());
    }

    private Optional<PieceRows> pieceRows(Role role) {
        return role == Role.QUERY ? queryPieces : documentPieces;
    }

    /** The underlying graph, for benchmarks that measure bare inference on the same batches. */
    public OnnxModel model() {
        return model;
    }

    /** The embeddings' size: the model's, or {@link EncoderOptions#truncateDim} where set. */
    public int dimension() {
        return dimension;
    }

    /** The model's own embedding size, before any truncation. */
    public int fullDimension() {
        return pooler.dimension();
    }

    public SimilarityFunction similarity() {
        return config.similarity();
    }

    public SentenceTransformerConfig config() {
        return config;
    }

    public EncoderOptions options() {
        return options;
    }

    public ModelDirectory directory() {
        return dir;
    }

    public TextTokenizer tokenizer() {
        return model.tokenizer();
    }

    /**
     * How many of a text's own tokens the model takes for {@code role} without truncating: {@code
     * max_seq_length} less the special tokens and the role's prompt. Chunkers size their windows
     * with it.
     */
    public int tokenBudget(Role role) {
        return model.guarded(() -> TokenBudget.of(batcher, config, role));
    }

    private int promptTokens(Role role) {
        return role == Role.QUERY ? queryPromptTokens : documentPromptTokens;
    }

    /** Waits for encodings in flight, then frees the native resources; safe to call twice. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "DenseEncoder[" + dir.name() + ", dim=" + dimension() + "]";
    }
}
