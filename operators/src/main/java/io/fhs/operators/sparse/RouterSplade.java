package io.fhs.operators.sparse;

import io.fhs.operators.inference.Vocabulary;
import io.fhs.operators.model.ConfigFile;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelDirectory.StModule;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.RouterConfig;
import io.fhs.operators.model.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * Where an inference-free SPLADE model saved as a sentence-transformers v5 Router keeps its parts:
 * the {@code query} route is one {@code SparseStaticEmbedding} folder (weights in {@code
 * model.safetensors} as tensor {@code weight}, or a {@code {token: weight}} JSON its {@code
 * config.json} names under {@code path}), the {@code document} route an {@code MLMTransformer}
 * folder (its ONNX export as {@code model.onnx} or {@code onnx/model.onnx}, tokenizer and configs)
 * followed by a {@code SpladePooling} folder.
 */
@Internal
record RouterSplade(
        RouterConfig router, Path queryFolder, ModelDirectory transformer, SpladeConfig config) {
    static final String WEIGHTS = "model.safetensors";
    static final String WEIGHT_TENSOR = "weight";

    static RouterSplade of(RouterConfig router) {
        List<String> query = router.simpleTypes(RouterConfig.QUERY);
        List<String> document = router.simpleTypes(RouterConfig.DOCUMENT);
        boolean mlm =
                document.size() == 2
                        && List.of("MLMTransformer", "Transformer").contains(document.get(0))
                        && document.get(1).equals("SpladePooling");
        if (!query.equals(List.of("SparseStaticEmbedding")) || !mlm) {
            throw new ModelException(
                    router.file()
                            + ": only inference-free SPLADE Routers are supported (query:"
                            + " [SparseStaticEmbedding], document: [MLMTransformer,"
                            + " SpladePooling]), got "
                            + router.describeRoutes());
        }
        List<StModule> documentModules = router.route(RouterConfig.DOCUMENT);
        ModelDirectory transformer = ModelDirectory.open(router.folder(documentModules.get(0)));
        Path pooling = router.folder(documentModules.get(1)).resolve("config.json");
        SpladeConfig config =
                SpladeConfig.of(
                        transformer,
                        "",
                        Optional.of(ConfigFile.required(pooling)),
                        ConfigFile.optional(
                                router.root().resolve("config_sentence_transformers.json")));
        Path queryFolder = router.folder(router.route(RouterConfig.QUERY).get(0));
        return new RouterSplade(router, queryFolder, transformer, config);
    }

    /** The static query weights, indexed by token id of the document model's vocabulary. */
    float[] queryWeights(Vocabulary vocabulary) {
        checkSameTokenizer(vocabulary);
        Optional<String> json =
                ConfigFile.optional(queryFolder.resolve("config.json"))
                        .flatMap(c -> c.string("path"))
                        .filter(p -> p.endsWith(".json"));
        if (json.isPresent()) {
            return InferenceFreeSpladeEncoder.loadWeights(
                    queryFolder.resolve(json.get()), vocabulary);
        }
        Path file = queryFolder.resolve(WEIGHTS);
        if (!Files.isRegularFile(file)) {
            throw new ModelException(
                    queryFolder
                            + " has no "
                            + WEIGHTS
                            + " (the SparseStaticEmbedding weights; a pytorch_model.bin must be"
                            + " saved again with safe_serialization=True)");
        }
        float[] weights = SafeTensors.readVector(file, WEIGHT_TENSOR);
        if (weights.length > vocabulary.size()) {
            throw new ModelException(
                    file
                            + ": tensor '"
                            + WEIGHT_TENSOR
                            + "' has "
                            + weights.length
                            + " weights, but the tokenizer of "
                            + transformer
                            + " has only "
                            + vocabulary.size()
                            + " tokens");
        }
        // from_json saves max(token id) + 1 weights: the tokens past them weigh nothing.
        return Arrays.copyOf(weights, vocabulary.size());
    }

    /**
     * Queries are tokenized with the document model's tokenizer, so the static module's own
     * tokenizer, when it has one, must map every token to the same id.
     */
    private void checkSameTokenizer(Vocabulary documents) {
        Path file = queryFolder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            return;
        }
        Vocabulary queries = Vocabulary.load(file);
        int size = Math.min(queries.size(), documents.size());
        for (int id = 0; id < size; id++) {
            if (!queries.token(id).equals(documents.token(id))) {
                throw new ModelException(
                        file
                                + " maps id "
                                + id
                                + " to '"
                                + queries.token(id)
                                + "', the document tokenizer "
                                + transformer.tokenizerFile()
                                + " to '"
                                + documents.token(id)
                                + "': Routers whose routes tokenize differently are not"
                                + " supported");
            }
        }
        if (queries.size() != documents.size()) {
            throw new ModelException(
                    file
                            + " has "
                            + queries.size()
                            + " tokens, the document tokenizer "
                            + transformer.tokenizerFile()
                            + " "
                            + documents.size());
        }
    }
}
