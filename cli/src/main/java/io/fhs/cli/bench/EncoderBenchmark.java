package io.fhs.cli.bench;

import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.TextTokenizer;
import io.fhs.operators.inference.TokenizedBatch;
import io.fhs.operators.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Measures, over the same texts and in the same process, three ways to embed them:
 *
 * <ul>
 *   <li>{@code fhs}: our {@link DenseEncoder#encode}, tokenization, padding and pooling included;
 *   <li>{@code ceiling}: a bare ONNX Runtime loop over the batches our encoder would build,
 *       tokenized beforehand (the cost of pure inference);
 *   <li>{@code peer}: another implementation of the same model, given as a callback.
 * </ul>
 *
 * <p>Rounds alternate the contenders so that machine noise hits all of them alike; reports use
 * medians.
 */
public final class EncoderBenchmark {
    /** One contender's result in one round. */
    public record Measurement(
            String name, int docs, long wordPieces, long paddedPositions, long nanos) {
        public double docsPerSecond() {
            return docs / (nanos / 1e9);
        }

        public double wordPiecesPerSecond() {
            return wordPieces / (nanos / 1e9);
        }

        /** Share of computed positions that were padding. */
        public double paddingWaste() {
            return paddedPositions == 0 ? 0 : 1.0 - (double) wordPieces / paddedPositions;
        }
    }

    private final DenseEncoder encoder;
    private final List<String> texts;
    private final List<TokenizedBatch> batches;
    private final long wordPieces;
    private final long paddedPositions;

    public EncoderBenchmark(DenseEncoder encoder, List<String> texts) {
        this.encoder = encoder;
        this.texts = texts;
        this.batches = encoder.tokenize(texts, Role.DOCUMENT);
        long real = 0;
        long padded = 0;
        for (TokenizedBatch b : batches) {
            real += b.realTokens();
            padded += b.paddedTokens();
        }
        this.wordPieces = real;
        this.paddedPositions = padded;
    }

    public Measurement ours() {
        long start = System.nanoTime();
        float[][] vectors = encoder.encode(texts, Role.DOCUMENT);
        long nanos = System.nanoTime() - start;
        check(vectors.length);
        return new Measurement("fhs", texts.size(), wordPieces, paddedPositions, nanos);
    }

    public Measurement ceiling() {
        return ceiling("ceiling", encoder);
    }

    /**
     * The bare loop on {@code same}'s session: another encoder of the same model directory, opened
     * with other session options.
     */
    public Measurement ceiling(String name, DenseEncoder same) {
        long start = System.nanoTime();
        for (TokenizedBatch batch : batches) {
            same.model().run(batch);
        }
        long nanos = System.nanoTime() - start;
        return new Measurement(name, texts.size(), wordPieces, paddedPositions, nanos);
    }

    /**
     * Times {@code peer} over the texts. The peer embeds at most {@code peerMaxTokens} word pieces
     * per text and pads each text to {@code peerPaddedLength} positions (0: no padding).
     */
    public Measurement peer(
            String name, Consumer<List<String>> peer, int peerMaxTokens, int peerPaddedLength) {
        long pieces = 0;
        try (TextTokenizer cut = new TextTokenizer(encoder.directory(), peerMaxTokens)) {
            for (var e : cut.encode(texts)) {
                pieces += e.getIds().length;
            }
        }
        long padded = peerPaddedLength > 0 ? (long) peerPaddedLength * texts.size() : pieces;
        long start = System.nanoTime();
        peer.accept(texts);
        long nanos = System.nanoTime() - start;
        return new Measurement(name, texts.size(), pieces, padded, nanos);
    }

    /** Median of a contender's rounds by word pieces per second. */
    public static Measurement median(List<Measurement> rounds) {
        List<Measurement> sorted = new ArrayList<>(rounds);
        sorted.sort((a, b) -> Double.compare(a.wordPiecesPerSecond(), b.wordPiecesPerSecond()));
        return sorted.get(sorted.size() / 2);
    }

    private void check(int n) {
        if (n != texts.size()) {
            throw new IllegalStateException(
                    "Encoder returned " + n + " vectors for " + texts.size());
        }
    }
}
