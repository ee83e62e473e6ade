package io.fhs.operators.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.fhs.operators.inference.TextTokenizer;
import io.fhs.operators.inference.TokenBudget;
import io.fhs.operators.inference.WordSplitting;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.Role;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Token-aware chunking: cuts a text into windows of at most {@code maxTokens} word pieces of the
 * model's own tokenizer, consecutive windows overlapping by about {@code overlapTokens}, so that
 * every chunk fits the model without truncation. Chunk texts are exact substrings of the original,
 * running from their first token's first character to their last token's last character, so the
 * whitespace between chunks belongs to none.
 *
 * <p>Windows start and end on whole words (the tokenizer's pre-tokenized words), because a window
 * cut inside a word does not survive re-tokenization: {@code "##imum"} alone becomes {@code "im",
 * "##um"}. Cut at exact token counts, about 1% of CACM's chunks came back one or two tokens over
 * the limit, and the encoder would have truncated them.
 *
 * <p>So where words are single tokens, windows hold exactly {@code maxTokens} tokens and share
 * exactly {@code overlapTokens}. Otherwise a window gives back the pieces of a word it cannot hold
 * whole, and the next one starts at the start of the word holding its overlap's first token,
 * sharing a little more; or later, sharing less, where the next new word would not fit whole after
 * that. Only a word longer than a whole window is cut inside, with the exact overlap.
 */
@PublicEvolving
public final class Chunker implements AutoCloseable {
    private final TextTokenizer tokenizer;
    private final int maxTokens;
    private final int overlapTokens;
    private final boolean piecesConcatenate;

    public Chunker(ModelDirectory dir, int maxTokens, int overlapTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException(
                    "overlapTokens must be within [0, maxTokens) = [0, "
                            + maxTokens
                            + "), got "
                            + overlapTokens);
        }
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
        this.piecesConcatenate = WordSplitting.piecesConcatenate(dir);
        this.tokenizer = TextTokenizer.wordPieces(dir);
    }

    /**
     * A chunker whose chunks the bi-encoder in {@code dir} takes whole as documents: windows as
     * long as its {@code max_seq_length} leaves after the special tokens and the document prompt.
     * Read from the model's tokenizer and configuration, so it loads no ONNX graph. An overlap as
     * long as the window would never advance, so it is capped at one token less.
     */
    public static Chunker forDocuments(ModelDirectory dir, int overlapTokens) {
        int budget = TokenBudget.of(dir, Role.DOCUMENT);
        if (budget < 1) {
            throw new IllegalArgumentException(
                    dir.name()
                            + " leaves no room for a document's own tokens (token budget "
                            + budget
                            + ")");
        }
        return new Chunker(dir, budget, Math.min(overlapTokens, budget - 1));
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int overlapTokens() {
        return overlapTokens;
    }

    /** Whether chunks carry their word pieces (see {@link Chunk#pieces}). */
    public boolean givesPieces() {
        return piecesConcatenate;
    }

    /**
     * The word pieces of {@code prefix + " " + chunk.text()}, as the tokenizer would give them for
     * that text (a title before a chunk, say), without special tokens; null when the chunk has no
     * pieces. The prefix is tokenized on its own: the space between ends its last word.
     */
    public int[] piecesAfter(String prefix, Chunk chunk) {
        if (chunk.pieces() == null) {
            return null;
        }
        long[] own = tokenizer.encode(List.of(requireText(prefix)))[0].getIds();
        int[] joined = new int[own.length + chunk.pieces().length];
        for (int i = 0; i < own.length; i++) {
            joined[i] = Math.toIntExact(own[i]);
        }
        System.arraycopy(chunk.pieces(), 0, joined, own.length, chunk.pieces().length);
        return joined;
    }

    /** The chunks of {@code text}, in order; empty when the text has no tokens at all. */
    public List<Chunk> chunk(String text) {
        return chunkAll(List.of(requireText(text))).get(0);
    }

    /** The chunks of each text, tokenizing them all in one call. */
    public List<List<Chunk>> chunkAll(List<String> texts) {
        texts.forEach(Chunker::requireText);
        Encoding[] encodings = tokenizer.encode(texts);
        List<List<Chunk>> result = new ArrayList<>(texts.size());
        for (int i = 0; i < encodings.length; i++) {
            result.add(cut(texts.get(i), encodings[i]));
        }
        return result;
    }

    private List<Chunk> cut(String text, Encoding encoding) {
        Tokens tokens = Tokens.of(text, encoding);
        int n = tokens.size();
        List<Chunk> chunks = new ArrayList<>();
        int first = 0;
        int previousLast = -1;
        while (n > 0) {
            int last = lastOfWindow(tokens, first, previousLast);
            int start = tokens.start(first);
            int end = tokens.end(last);
            chunks.add(
                    new Chunk(
                            chunks.size(),
                            text.substring(start, end),
                            start,
                            end,
                            pieces(tokens, first, last)));
            if (last == n - 1) {
                break;
            }
            first = nextFirst(tokens, first, last);
            previousLast = last;
        }
        return chunks;
    }

    /** The window's word pieces, when re-tokenizing its text would give exactly these. */
    private int[] pieces(Tokens tokens, int first, int last) {
        if (!piecesConcatenate || !tokens.startsWord(first) || !tokens.endsWord(last)) {
            return null;
        }
        return tokens.ids(first, last);
    }

    /**
     * The last token of the window from {@code first}: the end of the last word that fits whole and
     * brings tokens the previous window lacks, else as far as the window reaches.
     */
    private int lastOfWindow(Tokens tokens, int first, int previousLast) {
        int reach = Math.min(first + maxTokens, tokens.size()) - 1;
        for (int last = reach; last > previousLast && last >= first; last--) {
            if (tokens.endsWord(last)) {
                return last;
            }
        }
        return reach;
    }

    /**
     * The first token of the window after {@code [first, last]}. Preferably the start of the word
     * holding the first of the last {@code overlapTokens} tokens, so the overlap is at least that
     * long; but the window must hold the next new word whole, so where that does not leave room, a
     * later word start. Within a word longer than a window, the exact overlap.
     */
    private int nextFirst(Tokens tokens, int first, int last) {
        int target = Math.max(last + 1 - overlapTokens, first + 1);
        int earliest = Math.max(tokens.endOfWord(last + 1) - maxTokens + 1, first + 1);
        for (int i = target; i >= earliest; i--) {
            if (tokens.startsWord(i)) {
                return i;
            }
        }
        for (int i = Math.max(target + 1, earliest); i <= last + 1; i++) {
            if (tokens.startsWord(i)) {
                return i;
            }
        }
        return target;
    }

    private static String requireText(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Cannot chunk a null text");
        }
        return text;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** A text's tokens that have a place in it, with Java char offsets and word boundaries. */
    private static final class Tokens {
        private final int[] starts;
        private final int[] ends;
        private final long[] words;
        private final long[] ids;
        private final int[] wordEnds;

        private Tokens(int[] starts, int[] ends, long[] words, long[] ids) {
            this.starts = starts;
            this.ends = ends;
            this.words = words;
            this.ids = ids;
            this.wordEnds = new int[words.length];
            for (int i = words.length - 1; i >= 0; i--) {
                wordEnds[i] = endsWord(i) ? i : wordEnds[i + 1];
            }
        }

        static Tokens of(String text, Encoding encoding) {
            CharSpan[] spans = encoding.getCharTokenSpans();
            long[] wordIds = encoding.getWordIds();
            long[] pieceIds = encoding.getIds();
            int[] utf16 = utf16Offsets(text);
            int kept = 0;
            for (CharSpan span : spans) {
                kept += span == null ? 0 : 1;
            }
            int[] starts = new int[kept];
            int[] ends = new int[kept];
            long[] words = new long[kept];
            long[] ids = new long[kept];
            int k = 0;
            for (int i = 0; i < spans.length; i++) {
                // Tokens without a span (special tokens) have no text to cut at.
                if (spans[i] != null) {
                    starts[k] = utf16[spans[i].getStart()];
                    ends[k] = utf16[spans[i].getEnd()];
                    words[k] = wordIds[i];
                    ids[k] = pieceIds[i];
                    k++;
                }
            }
            return new Tokens(starts, ends, words, ids);
        }

        /** The ids of tokens {@code first} to {@code last}, both included. */
        int[] ids(int first, int last) {
            int[] out = new int[last - first + 1];
            for (int i = first; i <= last; i++) {
                out[i - first] = Math.toIntExact(ids[i]);
            }
            return out;
        }

        int size() {
            return starts.length;
        }

        int start(int token) {
            return starts[token];
        }

        int end(int token) {
            return ends[token];
        }

        boolean startsWord(int token) {
            return token == 0 || words[token] < 0 || words[token] != words[token - 1];
        }

        boolean endsWord(int token) {
            return token == size() - 1 || startsWord(token + 1);
        }

        /** The last token of the word holding {@code token}. */
        int endOfWord(int token) {
            return wordEnds[token];
        }
    }

    /**
     * Maps the tokenizer's offsets, counted in Unicode code points, to Java's UTF-16 indices; they
     * differ after any character outside the Basic Multilingual Plane (emoji, say).
     */
    static int[] utf16Offsets(String text) {
        int codePoints = text.codePointCount(0, text.length());
        int[] map = new int[codePoints + 1];
        int index = 0;
        for (int cp = 0; cp < codePoints; cp++) {
            map[cp] = index;
            index += Character.charCount(text.codePointAt(index));
        }
        map[codePoints] = text.length();
        return map;
    }
}
