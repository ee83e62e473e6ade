package io.fhs.operators.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import java.io.IOException;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * The model's Hugging Face tokenizer configured as transformers' {@code tokenizer(...,
 * truncation=True, max_length=N)} call would be: special tokens added, longest-first truncation to
 * {@code maxLength}, and no padding (batches pad themselves to their longest row).
 *
 * <p>Truncation and padding stored in {@code tokenizer.json} are overridden on purpose:
 * sentence-transformers ignores them too (many exports carry a stale 128).
 */
@Internal
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    public TextTokenizer(ModelDirectory dir, int maxLength) {
        this(dir, maxLength, true);
    }

    private TextTokenizer(ModelDirectory dir, int maxLength, boolean forModel) {
        this.maxLength = maxLength;
        try {
            HuggingFaceTokenizer.Builder builder =
                    HuggingFaceTokenizer.builder()
                            .optTokenizerPath(dir.tokenizerFile())
                            .optAddSpecialTokens(forModel)
                            .optTruncation(forModel)
                            .optPadding(false);
            if (forModel) {
                builder.optMaxLength(maxLength);
            }
            this.tokenizer = builder.build();
        } catch (IOException | RuntimeException e) {
            throw new ModelException(
                    dir.tokenizerFile() + " cannot be loaded as a tokenizer: " + e.getMessage(), e);
        }
    }

    /**
     * Every word piece of a whole text, without special tokens or truncation: what a chunker cuts
     * into windows. {@link #maxLength} is 0.
     */
    public static TextTokenizer wordPieces(ModelDirectory dir) {
        return new TextTokenizer(dir, 0, false);
    }

    public int maxLength() {
        return maxLength;
    }

    /** Tokenizes all texts in one native call (parallel inside the tokenizer library). */
    public Encoding[] encode(List<String> texts) {
        try {
            return tokenizer.batchEncode(texts);
        } catch (RuntimeException e) {
            throw new InferenceException("Tokenization failed: " + e.getMessage(), e);
        }
    }

    /** Tokenizes (first, second) pairs, truncating the longer side first. */
    public Encoding[] encodePairs(PairList<String, String> pairs) {
        try {
            return tokenizer.batchEncode(pairs);
        } catch (RuntimeException e) {
            throw new InferenceException("Tokenization failed: " + e.getMessage(), e);
        }
    }

    /** Number of tokens of one text, special tokens included, after truncation. */
    public int countTokens(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
