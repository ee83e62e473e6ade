package io.fhs.operators.sparse;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.inference.Vocabulary;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Inference-free (document-only) SPLADE: documents go through the SPLADE model, queries cost only a
 * tokenizer call. A query's vector holds, for each distinct non-special token, that token's static
 * weight from {@code idf.json} ({@code {token: weight}}, as OpenSearch's doc-only models ship it);
 * tokens without a positive weight are left out.
 */
@PublicEvolving
public final class InferenceFreeSpladeEncoder implements SparseEncoder {
    public static final String WEIGHTS_FILE = "idf.json";

    private final SpladeEncoder documents;
    private final float[] queryWeights;

    public InferenceFreeSpladeEncoder(
            ModelDirectory dir, EncoderOptions options, int maxActiveDims) {
        this.documents = new SpladeEncoder(dir, options, maxActiveDims);
        try {
            this.queryWeights = loadWeights(dir, documents.vocabulary());
        } catch (RuntimeException e) {
            documents.close();
            throw e;
        }
    }

    public InferenceFreeSpladeEncoder(ModelDirectory dir) {
        this(dir, EncoderOptions.defaults(), 0);
    }

    /** Whether a model directory carries static query weights. */
    public static boolean hasQueryWeights(ModelDirectory dir) {
        return Files.isRegularFile(dir.root().resolve(WEIGHTS_FILE));
    }

    private static float[] loadWeights(ModelDirectory dir, Vocabulary vocabulary) {
        JsonNode node = dir.requireJson(WEIGHTS_FILE);
        if (!node.isObject()) {
            throw new ModelException(
                    dir.root().resolve(WEIGHTS_FILE) + " must be a JSON object {token: weight}");
        }
        float[] weights = new float[vocabulary.size()];
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            int id = vocabulary.id(e.getKey());
            if (id < 0) {
                throw new ModelException(
                        dir.root().resolve(WEIGHTS_FILE)
                                + ": token '"
                                + e.getKey()
                                + "' is not in the vocabulary of "
                                + dir.tokenizerFile());
            }
            if (!e.getValue().isNumber()) {
                throw new ModelException(
                        dir.root().resolve(WEIGHTS_FILE)
                                + ": the weight of '"
                                + e.getKey()
                                + "' must be a number, got "
                                + e.getValue());
            }
            weights[id] = e.getValue().floatValue();
        }
        return weights;
    }

    @Override
    public List<SparseVector> encode(List<String> texts, Role role) {
        if (role == Role.DOCUMENT) {
            return documents.encode(texts, role);
        }
        List<String> prepared = new ArrayList<>(texts.size());
        String prompt = documents.config().prompts().forRole(role);
        for (String text : texts) {
            prepared.add(documents.batcher().prepare(prompt + text));
        }
        Encoding[] encodings =
                documents.model().guarded(() -> documents.batcher().tokenizer().encode(prepared));
        List<SparseVector> out = new ArrayList<>(encodings.length);
        for (Encoding e : encodings) {
            out.add(queryVector(e));
        }
        return out;
    }

    private SparseVector queryVector(Encoding encoding) {
        long[] ids = encoding.getIds();
        long[] special = encoding.getSpecialTokenMask();
        int[] distinct = new int[ids.length];
        int n = 0;
        for (int t = 0; t < ids.length; t++) {
            int id = (int) ids[t];
            if (special[t] == 0 && id < queryWeights.length && queryWeights[id] > 0f) {
                distinct[n++] = id;
            }
        }
        int[] sorted = Arrays.stream(distinct, 0, n).sorted().distinct().toArray();
        float[] values = new float[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            values[i] = queryWeights[sorted[i]];
        }
        return new SparseVector(sorted, values);
    }

    @Override
    public List<TokenWeight> decode(SparseVector vector, int topK) {
        return documents.decode(vector, topK);
    }

    @Override
    public String describe() {
        return "inference-free-" + documents.describe();
    }

    @Override
    public void close() {
        documents.close();
    }
}
