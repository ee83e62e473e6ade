package io.fhs.operators.inference;

import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.Role;
import io.fhs.operators.model.SentenceTransformerConfig;
import org.apache.flink.annotation.PublicEvolving;

/**
 * How many of a text's own tokens a bi-encoder takes for a role without truncating: {@code
 * max_seq_length} less the special tokens and the role's prompt. Chunkers size their windows with
 * it; it needs the model's tokenizer and configuration, not its ONNX graph.
 */
@PublicEvolving
public final class TokenBudget {
    private TokenBudget() {}

    /** The budget of the bi-encoder in {@code dir}, without loading its graph. */
    public static int of(ModelDirectory dir, Role role) {
        SentenceTransformerConfig config = SentenceTransformerConfig.load(dir);
        try (TextTokenizer tokenizer = new TextTokenizer(dir, config.maxSeqLength())) {
            TextBatcher batcher =
                    new TextBatcher(
                            tokenizer, EncoderOptions.defaults().planner(), config.doLowerCase());
            return of(batcher, config, role);
        }
    }

    static int of(TextBatcher batcher, SentenceTransformerConfig config, Role role) {
        TextTokenizer tokenizer = batcher.tokenizer();
        int specials = tokenizer.countTokens("");
        String prompt = config.promptFor(role);
        int promptOwn =
                prompt.isEmpty() ? 0 : tokenizer.countTokens(batcher.prepare(prompt)) - specials;
        return config.maxSeqLength() - specials - promptOwn;
    }
}
