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
                                            + " {token: weight} in the model directory)");
                }
            }
        }
        boolean max = true;
        if (poolingPath != null) {
            ConfigFile pooling = ConfigFile.required(dir, join(poolingPath, "config.json"));
            String strategy = pooling.string("pooling_strategy").orElse("max");
            if (!strategy.equals("max") && !strategy.equals("sum")) {
                throw new ModelException(
                        pooling.file() + ": pooling_strategy must be max or sum, got " + strategy);
            }
            max = strategy.equals("max");
            String activation = pooling.string("activation_function").orElse("relu");
            if (!activation.equals("relu")) {
                throw new ModelException(
                        pooling.file()
                                + ": activation_function must be relu (log(1 + relu(x))), got "
                                + activation);
            }
        }
        Optional<ConfigFile> st =
                ConfigFile.optional(dir, join(transformerPath, "sentence_bert_config.json"));
        int maxSeqLength =
                st.flatMap(c -> c.optionalPositiveInt("max_seq_length"))
                        .orElseGet(
                                () ->
                                        ConfigFile.required(dir, "config.json")
                                                .positiveInt("max_position_embeddings"));
        boolean lower = st.map(c -> c.bool("do_lower_case", false)).orElse(false);
        int maxActive =
                ConfigFile.optional(dir, "config_sentence_transformers.json")
                        .flatMap(c -> c.optionalPositiveInt("max_active_dims"))
                        .orElse(0);
        return new SpladeConfig(max, maxSeqLength, lower, Prompts.load(dir), maxActive);
    }

    private static boolean hasModules(ModelDirectory dir) {
        return dir.json("modules.json").isPresent();
    }

    private static String join(String folder, String file) {
        return folder == null || folder.isEmpty() ? file : folder + "/" + file;
    }
}
