package io.fhs.operators.sparse;

import io.fhs.operators.inference.DistinctTexts;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.inference.InferenceException;
import io.fhs.operators.inference.OnnxModel;
import io.fhs.operators.inference.TextBatcher;
import io.fhs.operators.inference.TokenizedBatch;
import io.fhs.operators.inference.Vocabulary;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.Role;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * SPLADE on ONNX Runtime, as sentence-transformers' {@code MLMTransformer} + {@code SpladePooling}:
 * {@code log(1 + relu(logits))} over the MLM logits {@code [batch, seq, vocab]}, masked by the
 * attention mask and max-pooled (or summed) over tokens. A translator over its {@link OnnxModel}:
 * texts to batches, logits to sparse vectors.
 */
@PublicEvolving
public final class SpladeEncoder implements SparseEncoder {
    private final ModelDirectory dir;
    private final SpladeConfig config;
    private final Vocabulary vocabulary;
    private final OnnxModel model;
    private final TextBatcher batcher;
    private final int maxActiveDims;

    /**
     * @param maxActiveDims keep only this many largest weights per vector; 0 takes the model's
     *     {@code max_active_dims}, if any, else keeps all
     */
    public SpladeEncoder(ModelDirectory dir, EncoderOptions options, int maxActiveDims) {
        this(dir, SpladeConfig.load(dir), options, maxActiveDims);
    }

    /** A SPLADE model whose configuration was read elsewhere, e.g. from a Router's folders. */
    public SpladeEncoder(
            ModelDirectory dir, SpladeConfig config, EncoderOptions options, int maxActiveDims) {
        this.dir = dir;
        this.config = config;
        this.vocabulary = Vocabulary.load(dir.tokenizerFile());
        this.maxActiveDims = maxActiveDims > 0 ? maxActiveDims : config.maxActiveDims();
        this.model =
                OnnxModel.open(
                        "SpladeEncoder",
                        dir,
                        config.maxSeqLength(),
                        options.intraOpThreads(),
                        new OnnxModel.ExpectedOutput(
                                3, List.of("logits"), onnx -> checkVocabulary(onnx, vocabulary)));
        this.batcher = new TextBatcher(model.tokenizer(), options.planner(), config.doLowerCase());
    }

    public SpladeEncoder(ModelDirectory dir) {
        this(dir, EncoderOptions.defaults(), 0);
    }

    private static void checkVocabulary(OnnxModel onnx, Vocabulary vocabulary) {
        long last = onnx.outputLastDim();
        if (last > 0 && last != vocabulary.size()) {
            throw new ModelException(
                    onnx.file()
                            + ": a SPLADE model must output logits [batch, seq, "
                            + vocabulary.size()
                            + "] (one per vocabulary token), but "
                            + onnx.outputName()
                            + " has shape [batch, seq, "
                            + last
                            + "]");
        }
    }

    @Override
    public List<SparseVector> encode(List<String> texts, Role role) {
        // A repeated text is run once.
        DistinctTexts distinct = DistinctTexts.of(texts);
        SparseVector[] out = new SparseVector[distinct.texts().size()];
        model.run(
                () -> batcher.batches(distinct.texts(), config.prompts().forRole(role)),
                (batch, output) -> translate(batch, output, out));
        return distinct.expand(List.of(out));
    }

    /** {@code log1p(relu(logits))} pooled over each row's real tokens, sparsified. */
    private void translate(TokenizedBatch batch, OnnxModel.Output output, SparseVector[] out) {
        int vocab = vocabulary.size();
        long[] shape = output.shape();
        if (shape[2] != vocab) {
            throw new InferenceException(
                    dir.onnxFile()
                            + " returned logits of shape "
                            + Arrays.toString(shape)
                            + ", expected the vocabulary size "
                            + vocab
                            + " last");
        }
        float[] pooled = new float[vocab];
        for (int i = 0; i < batch.size(); i++) {
            Arrays.fill(pooled, 0f);
            pool(output.data(), (int) shape[1], vocab, i, batch.length(i), pooled);
            SparseVector v = nonZero(pooled);
            out[batch.row(i)] = maxActiveDims > 0 ? v.topK(maxActiveDims) : v;
        }
    }

    private void pool(FloatBuffer logits, int seqLen, int vocab, int row, int length, float[] acc) {
        for (int t = 0; t < length; t++) {
            int base = (row * seqLen + t) * vocab;
            for (int v = 0; v < vocab; v++) {
                float x = logits.get(base + v);
                // Padding positions are never visited; relu zeroes the rest of the mask's work.
                if (x > 0f) {
                    float w = (float) Math.log1p(x);
                    acc[v] = config.maxPooling() ? Math.max(acc[v], w) : acc[v] + w;
                }
            }
        }
    }

    static SparseVector nonZero(float[] dense) {
        int n = 0;
        for (float x : dense) {
            if (x > 0f) {
                n++;
            }
        }
        int[] indices = new int[n];
        float[] values = new float[n];
        int k = 0;
        for (int v = 0; v < dense.length; v++) {
            if (dense[v] > 0f) {
                indices[k] = v;
                values[k++] = dense[v];
            }
        }
        return new SparseVector(indices, values);
    }

    @Override
    public List<TokenWeight> decode(SparseVector vector, int topK) {
        return decode(vector, topK, vocabulary);
    }

    static List<TokenWeight> decode(SparseVector vector, int topK, Vocabulary vocabulary) {
        SparseVector top = vector.topK(topK);
        List<TokenWeight> tokens = new ArrayList<>(top.size());
        for (int i = 0; i < top.size(); i++) {
            tokens.add(new TokenWeight(vocabulary.token(top.indices()[i]), top.values()[i]));
        }
        tokens.sort((a, b) -> Float.compare(b.weight(), a.weight()));
        return tokens;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    TextBatcher batcher() {
        return batcher;
    }

    SpladeConfig config() {
        return config;
    }

    @Override
    public String describe() {
        return "splade(" + dir.name() + ")";
    }

    OnnxModel model() {
        return model;
    }

    /** Waits for encodings in flight, then frees the native resources; safe to call twice. */
    @Override
    public void close() {
        model.close();
    }
}
