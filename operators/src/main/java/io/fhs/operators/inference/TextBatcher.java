package io.fhs.operators.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * Turns texts into length-sorted, dynamically padded batches the way sentence-transformers prepares
 * them: prompt prepended, surrounding whitespace stripped, lower-cased when the model says so, then
 * one tokenizer call for all texts.
 */
@Internal
public final class TextBatcher {
    private final TextTokenizer tokenizer;
    private final BatchPlanner planner;
    private final boolean doLowerCase;

    public TextBatcher(TextTokenizer tokenizer, BatchPlanner planner, boolean doLowerCase) {
        this.tokenizer = tokenizer;
        this.planner = planner;
        this.doLowerCase = doLowerCase;
    }

    public List<TokenizedBatch> batches(List<String> texts, String prompt) {
        List<String> prepared = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (text == null) {
                throw new IllegalArgumentException("Cannot encode a null text");
            }
            prepared.add(prepare(prompt + text));
        }
        return plan(tokenizer.encode(prepared));
    }

    /** Batches already tokenized inputs (e.g. text pairs). */
    public List<TokenizedBatch> plan(Encoding[] encodings) {
        int[] lengths = new int[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            lengths[i] = encodings[i].getIds().length;
        }
        List<TokenizedBatch> batches = new ArrayList<>();
        for (int[] rows : planner.plan(lengths)) {
            batches.add(TokenizedBatch.of(encodings, rows));
        }
        return batches;
    }

    /**
     * sentence-transformers' {@code Transformer.tokenize}: strip, then lower-case if configured.
     */
    public String prepare(String text) {
        String stripped = PyText.strip(text);
        return doLowerCase ? PyText.lower(stripped) : stripped;
    }

    /**
     * sentence-transformers' {@code prompt_length}: the tokens of the prompt alone minus the
     * trailing [SEP], i.e. [CLS] plus the prompt's own tokens; 0 without a prompt.
     */
    public int promptTokens(String prompt) {
        return prompt.isEmpty() ? 0 : tokenizer.countTokens(prepare(prompt)) - 1;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }
}
