package io.fhs.cli;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.fhs.cli.bench.EncoderBenchmark;
import io.fhs.cli.bench.EncoderBenchmark.Measurement;
import io.fhs.cli.progress.ProgressLine;
import io.fhs.jobs.data.JsonLines;
import io.fhs.jobs.data.TextRecord;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fhs bench encoder}: our encoder against langchain4j's and against bare inference. */
@Command(
        name = "encoder",
        mixinStandardHelpOptions = true,
        description = {
            "Compare our encoder's throughput with a peer and with bare ONNX Runtime.",
            "Encodes a corpus with our encoder, with the peer (langchain4j's in-process",
            "all-MiniLM-L6-v2, same weights) and with a bare ONNX Runtime loop over pre-tokenized",
            "batches (the ceiling). Prints docs/s, word pieces/s, padding waste and ratios."
        })
final class EncoderBenchCommand implements Callable<Integer> {
    /** langchain4j's bundled tokenizer.json truncates and pads every text to 128 positions. */
    static final int PEER_LENGTH = 128;

    @Mixin EncoderOptionsMixin encoder;

    @Option(
            names = "--docs",
            paramLabel = "FILE",
            description = "Corpus as JSON lines (default: the CACM corpus in ../shared/data/cacm).")
    Path docs;

    @Option(
            names = "--limit",
            description =
                    "Documents per round, spread evenly over the corpus; 0 = all (default: ${DEFAULT-VALUE}).",
            defaultValue = "640")
    int limit;

    @Option(
            names = "--rounds",
            description = "Rounds; medians are reported (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int rounds;

    @Option(names = "--no-peer", description = "Skip the peer.")
    boolean noPeer;

    @Option(
            names = "--session-study",
            description =
                    "Instead: time the bare ONNX Runtime loop with each session option changed"
                            + " from ONNX Runtime's defaults (graph optimization level, intra-op"
                            + " spinning, CPU memory arena, memory patterns), rounds interleaved,"
                            + " and print each against the defaults.")
    boolean sessionStudy;

    @Mixin ProgressOptionsMixin progress;

    @Override
    public Integer call() {
        Path file = docs != null ? docs : defaultCorpus();
        List<String> texts = sample(JsonLines.read(file), limit);
        try (DenseEncoder model = encoder.open()) {
            Consumer<List<String>> peer = noPeer ? null : peerFor(model.directory().name());
            System.out.printf(
                    Locale.ROOT,
                    "Corpus %s: %d documents per round, %d rounds; model %s, batch size %d, threads %s%n",
                    file,
                    texts.size(),
                    rounds,
                    model.directory().name(),
                    model.options().maxBatchSize(),
                    model.options().intraOpThreads() == 0
                            ? "all"
                            : model.options().intraOpThreads());
            if (peer == null) {
                System.out.println(
                        "No peer for this model (the peer is all-MiniLM-L6-v2 fp32/int8).");
            }
            EncoderBenchmark bench = new EncoderBenchmark(model, texts);
            warmUp(model, peer, texts);
            if (sessionStudy) {
                SessionStudy.run(bench, model, encoder, rounds, texts);
                return 0;
            }

            Map<String, List<Measurement>> results = new LinkedHashMap<>();
            // No rate: a measurement per second or two says nothing; the time left does.
            ProgressLine line = progress.line("encoder", "measurements", "");
            int measurements = rounds * (peer == null ? 2 : 3);
            int done = 0;
            line.update(done, measurements);
            for (int r = 1; r <= rounds; r++) {
                List<Measurement> round = new ArrayList<>();
                round.add(bench.ours());
                line.update(++done, measurements);
                round.add(bench.ceiling());
                line.update(++done, measurements);
                if (peer != null) {
                    round.add(bench.peer("peer", peer, PEER_LENGTH, PEER_LENGTH));
                    line.update(++done, measurements);
                }
                line.clear();
                for (Measurement m : round) {
                    results.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d  %-8s %8.1f docs/s %10.0f word pieces/s%n",
                            r,
                            m.name(),
                            m.docsPerSecond(),
                            m.wordPiecesPerSecond());
                }
            }
            line.finish();
            report(results);
        }
        return 0;
    }

    private static void report(Map<String, List<Measurement>> results) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-8s %10s %15s %14s %15s%n",
                "median",
                "docs/s",
                "word pieces/s",
                "padding waste",
                "word pieces");
        Map<String, Measurement> medians = new LinkedHashMap<>();
        results.forEach((name, list) -> medians.put(name, EncoderBenchmark.median(list)));
        for (Measurement m : medians.values()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %10.1f %15.0f %13.1f%% %15d%n",
                    m.name(),
                    m.docsPerSecond(),
                    m.wordPiecesPerSecond(),
                    100 * m.paddingWaste(),
                    m.wordPieces());
        }
        Measurement ours = medians.get("fhs");
        Measurement ceiling = medians.get("ceiling");
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "fhs / ceiling  word pieces/s: %.2fx   (target >= 0.90)%n",
                ours.wordPiecesPerSecond() / ceiling.wordPiecesPerSecond());
        Measurement peer = medians.get("peer");
        if (peer != null) {
            System.out.printf(
                    Locale.ROOT,
                    "fhs / peer     word pieces/s: %.2fx   (target >= 1.25)%n",
                    ours.wordPiecesPerSecond() / peer.wordPiecesPerSecond());
            System.out.printf(
                    Locale.ROOT,
                    "fhs / peer     docs/s:        %.2fx   (we embed up to 256 word pieces per doc, the peer 128)%n",
                    ours.docsPerSecond() / peer.docsPerSecond());
        }
    }

    private static void warmUp(
            DenseEncoder model, Consumer<List<String>> peer, List<String> texts) {
        List<String> few = texts.subList(0, Math.min(64, texts.size()));
        model.encode(few, Role.DOCUMENT);
        if (peer != null) {
            peer.accept(few);
        }
    }

    private static Consumer<List<String>> peerFor(String modelName) {
        EmbeddingModel peer;
        switch (modelName.toLowerCase(Locale.ROOT)) {
            case "all-minilm-l6-v2":
                peer = new AllMiniLmL6V2EmbeddingModel();
                break;
            case "all-minilm-l6-v2-int8":
                peer = new AllMiniLmL6V2QuantizedEmbeddingModel();
                break;
            default:
                return null;
        }
        return texts -> {
            List<TextSegment> segments = new ArrayList<>(texts.size());
            for (String t : texts) {
                segments.add(TextSegment.from(t));
            }
            int n = peer.embedAll(segments).content().size();
            if (n != texts.size()) {
                throw new IllegalStateException("Peer returned " + n + " embeddings");
            }
        };
    }

    static List<String> sample(List<TextRecord> records, int limit) {
        List<String> texts = new ArrayList<>();
        int n = limit <= 0 ? records.size() : Math.min(limit, records.size());
        for (int i = 0; i < n; i++) {
            // Evenly spread, so a sample has the corpus' length distribution.
            texts.add(records.get((int) ((long) i * records.size() / n)).fullText());
        }
        return texts;
    }

    static Path defaultCorpus() {
        String home = System.getProperty("fhs.home", ".");
        Path path = Path.of(home).resolve("../shared/data/cacm/corpus.jsonl").normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                    "No corpus at "
                            + path
                            + "; pass --docs FILE (JSON lines with a \"text\" field)");
        }
        return path;
    }
}
