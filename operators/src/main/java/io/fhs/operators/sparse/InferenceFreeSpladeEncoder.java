package io.fhs.operators.sparse;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.inference.EncoderOptions;
import io.fhs.operators.inference.Vocabulary;
import io.fhs.operators.model.ConfigFile;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.Role;
import io.fhs.operators.model.RouterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Inference-free (document-only) SPLADE: documents go through the SPLADE model, queries cost only a
 * tokenizer call. A query's vector holds, for each distinct non-special token, that token's static
 * weight from {@code idf.json} ({@code {token: weight}}, as OpenSearch's doc-only models ship it);
 * tokens without a positive weight are left out. A sentence-transformers v5 Router directory
 * (query: {@code SparseStaticEmbedding}, document: {@code MLMTransformer} + {@code SpladePooling})
 * carries the same weights in its query module's {@code model.safetensors}.
 */
@PublicEvolving
public final class InferenceFreeSpladeEncoder implements SparseEncoder {
    public static final String WEIGHTS_FILE = "idf.json";

    private final SpladeEncoder documents;
    private final float[] queryWeights;

    public InferenceFreeSpladeEncoder(
            ModelDirectory dir, EncoderOptions options, int maxActiveDims) {
        this(
                new SpladeEncoder(dir, options, maxActiveDims),
                documents -> loadWeights(dir.root().resolve(WEIGHTS_FILE), documents.vocabulary()));
    }

    private InferenceFreeSpladeEncoder(
            SpladeEncoder documents, Function<SpladeEncoder, float[]> queryWeights) {
        this.documents = documents;
        try {
            this.queryWeights = queryWeights.apply(documents);
        } catch (RuntimeException e) {
            documents.close();
            throw e;
        }
    }

    /**
     * A sentence-transformers v5 Router directory: the {@code query} route's {@code
     * SparseStaticEmbedding} gives the static weights (its {@code model.safetensors}, or the {@code
     * {token: weight}} JSON its config names), the {@code document} route's {@code MLMTransformer}
     * + {@code SpladePooling} the SPLADE model.
     */
    public static InferenceFreeSpladeEncoder fromRouter(
            RouterConfig router, EncoderOptions options, int maxActiveDims) {
        RouterSplade layout = RouterSplade.of(router);
        return new InferenceFreeSpladeEncoder(
                new SpladeEncoder(layout.transformer(), layout.config(), options, maxActiveDims),
                documents -> layout.queryWeights(documents.vocabulary()));
    }

    public InferenceFreeSpladeEncoder(ModelDirectory dir) {
        this(dir, EncoderOptions.defaults(), 0);
    }

    /** Whether a model directory carries static query weights. */
    public static boolean hasQueryWeights(ModelDirectory dir) {
        return Files.isRegularFile(dir.root().resolve(WEIGHTS_FILE));
    }

    /** Reads a {@code {token: weight}} file into a vector indexed by token id. */
    static float[] loadWeights(Path file, Vocabulary vocabulary) {
        JsonNode node =
                ConfigFile.optional(file)
                        .orElseThrow(() -> new ModelException("Missing query weights " + file))
                        .node();
        float[] weights = new float[vocabulary.size()];
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            int id = vocabulary.id(e.getKey());
            if (id < 0) {
                throw new ModelException(
                        file
                                + ": token '"
                                + e.getKey()
                                + "' is not in the vocabulary of the SPLADE tokenizer");
            }
            if (!e.getValue().isNumber()) {
                throw new ModelException(
                        file
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
