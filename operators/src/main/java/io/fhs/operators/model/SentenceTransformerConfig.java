package io.fhs.operators.model;

import io.fhs.operators.similarity.SimilarityFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What a sentence-transformers bi-encoder directory says about turning token embeddings into a
 * sentence embedding: pooling, normalization, truncation, lower-casing, prompts and similarity.
 * {@link #embeddingDimension} and {@link #similarity} are what a vector collection needs, read
 * without loading the ONNX graph.
 *
 * <p>Only the module pipeline {@code Transformer -> Pooling [-> Normalize]} is accepted; anything
 * else (a {@code Dense} projection, say) is rejected rather than silently producing vectors that
 * differ from sentence-transformers'.
 */
@PublicEvolving
public record SentenceTransformerConfig(
        List<PoolingMode> poolingModes,
        boolean includePrompt,
        int embeddingDimension,
        boolean normalize,
        int maxSeqLength,
        boolean doLowerCase,
        Map<String, String> prompts,
        Optional<String> defaultPromptName,
        SimilarityFunction similarity) {

    public SentenceTransformerConfig {
        poolingModes = List.copyOf(poolingModes);
        prompts = Collections.unmodifiableMap(prompts);
    }

    public static SentenceTransformerConfig load(ModelDirectory dir) {
        ConfigFile transformer = ConfigFile.required(dir, "config.json");
        String transformerPath = null;
        String poolingPath = null;
        boolean normalize = false;
        for (ModelDirectory.StModule module : dir.modules()) {
            switch (module.simpleType()) {
                case "Transformer":
                    transformerPath = module.path();
                    break;
                case "Pooling":
                    poolingPath = module.path();
                    break;
                case "Normalize":
                    normalize = true;
                    break;
                default:
                    throw new ModelException(
                            dir.root().resolve("modules.json")
                                    + ": module "
                                    + module.type()
                                    + " is not supported; expected Transformer, Pooling and an"
                                    + " optional Normalize");
            }
        }
        if (transformerPath == null || poolingPath == null) {
            throw new ModelException(
                    dir.root().resolve("modules.json")
                            + ": a dense encoder needs a Transformer and a Pooling module");
        }

        ConfigFile pooling = ConfigFile.required(dir, join(poolingPath, "config.json"));
        List<PoolingMode> modes = new ArrayList<>();
        for (PoolingMode mode : EnumSet.allOf(PoolingMode.class)) {
            if (pooling.bool(mode.configKey(), false)) {
                modes.add(mode);
            }
        }
        if (modes.isEmpty()) {
            throw new ModelException(
                    pooling.file()
                            + ": no pooling mode is enabled (e.g. pooling_mode_mean_tokens)");
        }
        int wordDimension = pooling.positiveInt("word_embedding_dimension");
        checkHiddenSize(transformer, pooling, wordDimension);
        int dimension = wordDimension * modes.size();

        ConfigFile stConfig =
                ConfigFile.required(dir, join(transformerPath, "sentence_bert_config.json"));
        int maxSeqLength =
                stConfig.optionalPositiveInt("max_seq_length")
                        .orElseGet(() -> transformer.positiveInt("max_position_embeddings"));

        Optional<ConfigFile> general =
                ConfigFile.optional(dir, "config_sentence_transformers.json");
        Prompts prompts = Prompts.load(dir);
        SimilarityFunction similarity =
                general.flatMap(g -> g.string("similarity_fn_name"))
                        .map(
                                name -> {
                                    try {
                                        return SimilarityFunction.fromName(name);
                                    } catch (IllegalArgumentException e) {
                                        throw new ModelException(
                                                general.get().file() + ": " + e.getMessage(), e);
                                    }
                                })
                        .orElse(SimilarityFunction.COSINE);

        return new SentenceTransformerConfig(
                modes,
                pooling.bool("include_prompt", true),
                dimension,
                normalize,
                maxSeqLength,
                stConfig.bool("do_lower_case", false),
                prompts.byName(),
                prompts.defaultName(),
                similarity);
    }

    /**
     * The pooled token embeddings are the transformer's hidden states, so both files must agree;
     * architectures that name the size otherwise (T5's {@code d_model}) are left to the graph
     * check.
     */
    private static void checkHiddenSize(ConfigFile transformer, ConfigFile pooling, int wordDim) {
        Optional<Integer> hidden = transformer.optionalPositiveInt("hidden_size");
        if (hidden.isPresent() && hidden.get() != wordDim) {
            throw new ModelException(
                    pooling.file()
                            + ": word_embedding_dimension "
                            + wordDim
                            + " differs from hidden_size "
                            + hidden.get()
                            + " in "
                            + transformer.file());
        }
    }

    /** The prompt sentence-transformers prepends for a role (see {@link Prompts}). */
    public String promptFor(Role role) {
        return new Prompts(prompts, defaultPromptName).forRole(role);
    }

    private static String join(String folder, String file) {
        return folder == null || folder.isEmpty() ? file : folder + "/" + file;
    }
}
