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

    /**
     * As {@link #batches(List, String)}, but text i whose {@code pieces.get(i)} is not null and
     * which {@code rows} accepts is not tokenized again: its row is built from those pieces. All
     * rows are length-sorted together.
     */
    public List<TokenizedBatch> batches(
            List<String> texts, List<int[]> pieces, String prompt, PieceRows rows) {
        long[][] ids = new long[texts.size()][];
        List<String> toTokenize = new ArrayList<>();
        List<Integer> tokenizedAt = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new IllegalArgumentException("Cannot encode a null text");
            }
            int[] own = pieces.get(i);
            if (own != null && rows.accepts(text)) {
                ids[i] = rows.row(own);
            } else {
                toTokenize.add(prepare(prompt + text));
                tokenizedAt.add(i);
            }
        }
        Encoding[] encodings =
                toTokenize.isEmpty() ? new Encoding[0] : tokenizer.encode(toTokenize);
        for (int k = 0; k < encodings.length; k++) {
            ids[tokenizedAt.get(k)] = encodings[k].getIds();
        }
        int[] lengths = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            lengths[i] = ids[i].length;
        }
        List<TokenizedBatch> batches = new ArrayList<>();
        for (int[] plan : planner.plan(lengths)) {
            batches.add(TokenizedBatch.ofSingleTexts(ids, plan));
        }
        return batches;
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

    /** Whether texts are lower-cased before they are tokenized ({@code do_lower_case}). */
    public boolean lowerCases() {
        return doLowerCase;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }
}
