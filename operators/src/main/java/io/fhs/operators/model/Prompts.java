package io.fhs.operators.model;

import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.Internal;

/**
 * The prompts of {@code config_sentence_transformers.json} and which one a role uses: {@code
 * encode_query} takes "query", {@code encode_document} the first of "document", "passage",
 * "corpus"; otherwise the default prompt, if any.
 */
@Internal
public record Prompts(Map<String, String> byName, Optional<String> defaultName) {
    public static final Prompts NONE = new Prompts(Map.of(), Optional.empty());

    public Prompts {
        byName = Map.copyOf(byName);
    }

    public static Prompts load(ModelDirectory dir) {
        return from(ConfigFile.optional(dir, "config_sentence_transformers.json"));
    }

    /** The prompts of a {@code config_sentence_transformers.json}, if there is one. */
    public static Prompts from(Optional<ConfigFile> file) {
        if (file.isEmpty()) {
            return NONE;
        }
        Map<String, String> prompts = file.get().stringMap("prompts");
        Optional<String> defaultName = file.get().string("default_prompt_name");
        if (defaultName.isPresent() && !prompts.containsKey(defaultName.get())) {
            throw new ModelException(
                    file.get().file()
                            + ": default_prompt_name '"
                            + defaultName.get()
                            + "' is not one of the prompts "
                            + prompts.keySet());
        }
        return new Prompts(prompts, defaultName);
    }

    public String forRole(Role role) {
        for (String name : role.promptNames()) {
            String prompt = byName.get(name);
            if (prompt != null) {
                return prompt;
            }
        }
        return defaultName.map(byName::get).orElse("");
    }
}
