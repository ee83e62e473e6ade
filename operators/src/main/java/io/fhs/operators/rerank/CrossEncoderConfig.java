package io.fhs.operators.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import io.fhs.operators.model.ConfigFile;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What a cross-encoder directory (a Hugging Face sequence-classification export) says: the number
 * of labels, the activation sentence-transformers' {@code CrossEncoder} applies, and the maximum
 * pair length.
 */
@PublicEvolving
public record CrossEncoderConfig(int numLabels, Activation activation, int maxLength) {

    /** The activation applied to the logits. */
    public enum Activation {
        SIGMOID,
        IDENTITY;

        public float apply(float logit) {
            return this == SIGMOID ? (float) (1.0 / (1.0 + Math.exp(-logit))) : logit;
        }

        /** Parses a torch class name such as {@code torch.nn.modules.activation.Sigmoid}. */
        static Activation fromTorchName(String name, Object where) {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            switch (simple) {
                case "Sigmoid":
                    return SIGMOID;
                case "Identity":
                    return IDENTITY;
                default:
                    throw new ModelException(
                            where
                                    + ": activation "
                                    + name
                                    + " is not supported (Sigmoid or Identity)");
            }
        }
    }

    public static CrossEncoderConfig load(ModelDirectory dir) {
        ConfigFile config = ConfigFile.required(dir, "config.json");
        JsonNode root = dir.requireJson("config.json");
        int labels =
                root.has("id2label") && root.get("id2label").isObject()
                        ? root.get("id2label").size()
                        : config.optionalPositiveInt("num_labels").orElse(1);
        // sentence-transformers >= 4 stores {"sentence_transformers": {"activation_fn": ...}};
        // older versions "sbert_ce_default_activation_function". Without either, CrossEncoder
        // uses Sigmoid for one label and Identity otherwise.
        Optional<String> name = Optional.empty();
        JsonNode st = root.get("sentence_transformers");
        if (st != null && st.hasNonNull("activation_fn")) {
            name = Optional.of(st.get("activation_fn").asText());
        } else if (root.hasNonNull("sbert_ce_default_activation_function")) {
            name = Optional.of(root.get("sbert_ce_default_activation_function").asText());
        }
        Activation activation =
                name.map(n -> Activation.fromTorchName(n, config.file()))
                        .orElse(labels == 1 ? Activation.SIGMOID : Activation.IDENTITY);
        return new CrossEncoderConfig(labels, activation, maxLength(dir, config));
    }

    // The tokenizer's model_max_length, as transformers applies it, else the position limit.
    private static int maxLength(ModelDirectory dir, ConfigFile config) {
        Optional<ConfigFile> tokenizerConfig = ConfigFile.optional(dir, "tokenizer_config.json");
        Optional<Integer> fromTokenizer =
                tokenizerConfig.flatMap(
                        c -> {
                            // Tokenizers without a limit store a huge sentinel (1e30).
                            try {
                                return c.optionalPositiveInt("model_max_length");
                            } catch (ModelException e) {
                                return Optional.empty();
                            }
                        });
        return fromTokenizer.orElseGet(() -> config.positiveInt("max_position_embeddings"));
    }
}
