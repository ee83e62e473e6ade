package io.fhs.operators.sparse;

import io.fhs.operators.model.ConfigFile;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.Prompts;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * What a SPLADE model directory says: pooling strategy and activation of its {@code SpladePooling}
 * module, sequence limit, lower-casing, prompts and {@code max_active_dims}. Without {@code
 * modules.json} the SPLADE defaults apply (max pooling, relu + log1p).
 */
@Internal
public record SpladeConfig(
        boolean maxPooling,
        int maxSeqLength,
        boolean doLowerCase,
        Prompts prompts,
        int maxActiveDims) {

    public static SpladeConfig load(ModelDirectory dir) {
        ConfigFile.required(dir, "config.json");
        String transformerPath = "";
        String poolingPath = null;
        if (hasModules(dir)) {
            for (ModelDirectory.StModule module : dir.modules()) {
                switch (module.simpleType()) {
                    case "MLMTransformer", "Transformer" -> transformerPath = module.path();
                    case "SpladePooling" -> poolingPath = module.path();
                    default ->
                            throw new ModelException(
                                    dir.root().resolve("modules.json")
                                            + ": module "
                                            + module.type()
                                            + " is not supported for SPLADE; expected"
                                            + " MLMTransformer and SpladePooling (for"
                                            + " inference-free query weights, put an idf.json"
                                            + " {token: weight} in the model directory, or use"
                                            + " a sentence-transformers v5 Router directory)");
                }
            }
        }
        Optional<ConfigFile> pooling =
                poolingPath == null
                        ? Optional.empty()
                        : Optional.of(ConfigFile.required(dir, join(poolingPath, "config.json")));
        return of(
                dir,
                transformerPath,
                pooling,
                ConfigFile.optional(dir, "config_sentence_transformers.json"));
    }

    /**
     * The config of a SPLADE model whose files may lie in different folders, as in a Router
     * directory.
     *
     * @param dir the folder of the MLM transformer's {@code config.json} and ONNX graph
     * @param transformerPath the folder of its {@code sentence_bert_config.json}, relative to dir
     * @param pooling the {@code SpladePooling} module's config, if there is one
     * @param stConfig the model's {@code config_sentence_transformers.json}, if there is one
     */
    public static SpladeConfig of(
            ModelDirectory dir,
            String transformerPath,
            Optional<ConfigFile> pooling,
            Optional<ConfigFile> stConfig) {
        boolean max = pooling.map(SpladeConfig::maxPooling).orElse(true);
        Optional<ConfigFile> st =
                ConfigFile.optional(dir, join(transformerPath, "sentence_bert_config.json"));
        int maxSeqLength =
                st.flatMap(c -> c.optionalPositiveInt("max_seq_length"))
                        .orElseGet(
                                () ->
                                        ConfigFile.required(dir, "config.json")
                                                .positiveInt("max_position_embeddings"));
        boolean lower = st.map(c -> c.bool("do_lower_case", false)).orElse(false);
        int maxActive = stConfig.flatMap(c -> c.optionalPositiveInt("max_active_dims")).orElse(0);
        return new SpladeConfig(max, maxSeqLength, lower, Prompts.from(stConfig), maxActive);
    }

    private static boolean maxPooling(ConfigFile pooling) {
        String strategy = pooling.string("pooling_strategy").orElse("max");
        if (!strategy.equals("max") && !strategy.equals("sum")) {
            throw new ModelException(
                    pooling.file() + ": pooling_strategy must be max or sum, got " + strategy);
        }
        String activation = pooling.string("activation_function").orElse("relu");
        if (!activation.equals("relu")) {
            throw new ModelException(
                    pooling.file()
                            + ": activation_function must be relu (log(1 + relu(x))), got "
                            + activation);
        }
        return strategy.equals("max");
    }

    private static boolean hasModules(ModelDirectory dir) {
        return dir.json("modules.json").isPresent();
    }

    private static String join(String folder, String file) {
        return folder == null || folder.isEmpty() ? file : folder + "/" + file;
    }
}
