package io.fhs.operators.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.annotation.Internal;

/**
 * Whether a tokenizer's word pieces concatenate: the pieces of {@code a + " " + b} are the pieces
 * of {@code a} followed by those of {@code b}, and the pieces of a text cut at word boundaries are
 * the pieces of the whole text between those boundaries. That holds when words are split on
 * whitespace and punctuation (BERT's pre-tokenizer) before a WordPiece model sees them one at a
 * time, and the normalizer works character by character. Byte-level BPE and SentencePiece
 * tokenizers mark a word's leading space inside its first piece, so for them it does not hold, and
 * pieces must not be spliced.
 */
@Internal
public final class WordSplitting {
    // Splits on Unicode whitespace and isolates punctuation: a space always ends a word.
    private static final String WORD_PRE_TOKENIZER = "BertPreTokenizer";
    // Per-character normalizers: none of them looks at a neighbouring character.
    private static final Set<String> CHAR_NORMALIZERS =
            Set.of("BertNormalizer", "Lowercase", "StripAccents", "NFD", "NFKD");

    private WordSplitting() {}

    /** True when {@code dir}'s tokenizer splits into words whose pieces concatenate. */
    public static boolean piecesConcatenate(ModelDirectory dir) {
        return piecesConcatenate(read(dir.tokenizerFile()));
    }

    static boolean piecesConcatenate(JsonNode tokenizer) {
        JsonNode model = tokenizer.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            return false;
        }
        if (!WORD_PRE_TOKENIZER.equals(tokenizer.path("pre_tokenizer").path("type").asText())) {
            return false;
        }
        return charByChar(tokenizer.path("normalizer"));
    }

    /** True when {@code dir}'s tokenizer lower-cases texts itself (BERT's uncased normalizer). */
    public static boolean lowerCases(ModelDirectory dir) {
        return lowerCases(read(dir.tokenizerFile()).path("normalizer"));
    }

    private static boolean lowerCases(JsonNode normalizer) {
        String type = normalizer.path("type").asText();
        if ("Sequence".equals(type)) {
            for (JsonNode inner : normalizer.path("normalizers")) {
                if (lowerCases(inner)) {
                    return true;
                }
            }
            return false;
        }
        return "Lowercase".equals(type)
                || ("BertNormalizer".equals(type) && normalizer.path("lowercase").asBoolean(true));
    }

    private static boolean charByChar(JsonNode normalizer) {
        if (normalizer.isMissingNode() || normalizer.isNull()) {
            return true;
        }
        String type = normalizer.path("type").asText();
        if ("Sequence".equals(type)) {
            for (JsonNode inner : normalizer.path("normalizers")) {
                if (!charByChar(inner)) {
                    return false;
                }
            }
            return true;
        }
        return CHAR_NORMALIZERS.contains(type);
    }

    private static JsonNode read(Path tokenizerJson) {
        try {
            return new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new ModelException("Cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }
}
