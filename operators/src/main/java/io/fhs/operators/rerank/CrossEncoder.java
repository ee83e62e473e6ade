package io.fhs.operators.rerank;

import ai.djl.util.PairList;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.inference.OnnxModel;
import io.fhs.operators.inference.TextBatcher;
import io.fhs.operators.inference.TextTokenizer;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A cross-encoder reranker with sentence-transformers' {@code CrossEncoder} semantics: each (query,
 * document) pair is tokenized together, truncated longest side first to the maximum length, scored
 * by a one-label sequence-classification model and passed through its activation. Thread-safe;
 * pairs are batched by length with dynamic padding. A translator over its {@link OnnxModel}: pairs
 * to batches, logits to scores.
 */
@PublicEvolving
public final class CrossEncoder implements AutoCloseable {
    private final ModelDirectory dir;
    private final CrossEncoderConfig config;
    private final OnnxModel model;
    private final TextBatcher batcher;

    /** A (query, document) pair. */
    public record TextPair(String query, String document) {}

    /** A document's position in the input, its score and, if asked for, its text. */
    public record RankedDocument(int index, float score, String text) {}

    public CrossEncoder(ModelDirectory dir, EncoderOptions options, CrossEncoderConfig config) {
        this.dir = dir;
        this.config = config;
        if (config.numLabels() != 1) {
            throw new ModelException(
                    dir.root().resolve("config.json")
                            + ": a reranker needs a one-label model, this one has "
                            + config.numLabels()
                            + " labels");
        }
        this.model =
                OnnxModel.open(
                        "CrossEncoder",
                        dir,
                        config.maxLength(),
                        options.intraOpThreads(),
                        new OnnxModel.ExpectedOutput(
                                2, List.of("logits"), CrossEncoder::checkOneLogit));
        // Cross-encoders feed texts as given: no stripping or lower-casing beyond the tokenizer's.
        this.batcher = new TextBatcher(model.tokenizer(), options.planner(), false);
    }

    private static void checkOneLogit(OnnxModel onnx) {
        if (onnx.outputLastDim() > 1) {
            throw new ModelException(
                    onnx.file()
                            + ": a cross-encoder must output logits [batch, 1], but "
                            + onnx.outputName()
                            + " has shape [batch, "
                            + onnx.outputLastDim()
                            + "]");
        }
    }

    public CrossEncoder(ModelDirectory dir, EncoderOptions options) {
        this(dir, options, CrossEncoderConfig.load(dir));
    }

    public CrossEncoder(ModelDirectory dir) {
        this(dir, EncoderOptions.defaults());
    }

    /** Scores each pair; the i-th score belongs to the i-th pair. */
    public float[] predict(List<TextPair> pairs) {
        float[] scores = new float[pairs.size()];
        if (pairs.isEmpty()) {
            return scores;
        }
        PairList<String, String> input = new PairList<>(pairs.size());
        for (TextPair p : pairs) {
            if (p.query() == null || p.document() == null) {
                throw new IllegalArgumentException("Cannot score a pair with a null text");
            }
            input.add(p.query(), p.document());
        }
        model.run(
                () -> batcher.plan(model.tokenizer().encodePairs(input)),
                (batch, output) -> {
                    for (int i = 0; i < batch.size(); i++) {
                        scores[batch.row(i)] = config.activation().apply(output.data().get(i));
                    }
                });
        return scores;
    }

    /**
     * Ranks documents for a query, best first (ties keep input order), keeping the {@code topK}
     * best; texts are included when {@code returnDocuments}.
     */
    public List<RankedDocument> rank(
            String query, List<String> documents, int topK, boolean returnDocuments) {
        List<TextPair> pairs = new ArrayList<>(documents.size());
        for (String doc : documents) {
            pairs.add(new TextPair(query, doc));
        }
        float[] scores = predict(pairs);
        List<RankedDocument> ranked = new ArrayList<>(documents.size());
        for (int i = 0; i < scores.length; i++) {
            ranked.add(new RankedDocument(i, scores[i], returnDocuments ? documents.get(i) : null));
        }
        ranked.sort(
                Comparator.comparingDouble((RankedDocument r) -> -r.score())
                        .thenComparingInt(RankedDocument::index));
        return ranked.subList(0, Math.min(topK, ranked.size()));
    }

    public CrossEncoderConfig config() {
        return config;
    }

    public TextTokenizer tokenizer() {
        return model.tokenizer();
    }

    /** Waits for predictions in flight, then frees the native resources; safe to call twice. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "CrossEncoder[" + dir.name() + ", " + config.activation() + "]";
    }
}
