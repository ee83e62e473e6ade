package io.fhs.cli;

import io.fhs.cli.bench.EncoderBenchmark;
import io.fhs.cli.bench.EncoderBenchmark.Measurement;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.inference.SessionTuning;
import io.fhs.operators.inference.SessionTuning.Optimization;
import io.fhs.operators.model.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fhs bench encoder --session-study}: which ONNX Runtime session options matter on this CPU.
 * Each variant changes one option from the defaults; every round times all of them over the same
 * pre-tokenized batches, so that drift on a busy machine hits them alike.
 */
final class SessionStudy {
    private SessionStudy() {}

    static Map<String, SessionTuning> variants() {
        SessionTuning d = SessionTuning.defaults();
        Map<String, SessionTuning> v = new LinkedHashMap<>();
        v.put("defaults", d);
        v.put("opt=EXTENDED", d.withOptimization(Optimization.EXTENDED));
        v.put("opt=BASIC", d.withOptimization(Optimization.BASIC));
        v.put("opt=NONE", d.withOptimization(Optimization.NONE));
        v.put("no-spin", d.withSpinning(false));
        v.put("no-arena", d.withCpuArena(false));
        v.put("no-pattern", d.withMemoryPattern(false));
        return v;
    }

    static void run(
            EncoderBenchmark bench,
            DenseEncoder model,
            EncoderOptionsMixin encoder,
            int rounds,
            List<String> texts) {
        Map<String, DenseEncoder> encoders = new LinkedHashMap<>();
        Map<String, List<Measurement>> results = new LinkedHashMap<>();
        try {
            List<String> few = texts.subList(0, Math.min(64, texts.size()));
            variants()
                    .forEach(
                            (name, tuning) -> {
                                DenseEncoder e =
                                        DenseEncoder.open(
                                                model.directory(),
                                                encoder.options().withTuning(tuning));
                                encoders.put(name, e);
                                e.encode(few, Role.DOCUMENT);
                            });
            for (int r = 1; r <= rounds; r++) {
                for (Map.Entry<String, DenseEncoder> e : encoders.entrySet()) {
                    Measurement m = bench.ceiling(e.getKey(), e.getValue());
                    results.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
                    System.out.printf(
                            Locale.ROOT,
                            "round %d  %-14s %10.0f word pieces/s%n",
                            r,
                            m.name(),
                            m.wordPiecesPerSecond());
                }
            }
        } finally {
            encoders.values().forEach(DenseEncoder::close);
        }
        report(results);
    }

    private static void report(Map<String, List<Measurement>> results) {
        double base = EncoderBenchmark.median(results.get("defaults")).wordPiecesPerSecond();
        System.out.println();
        System.out.printf(
                Locale.ROOT, "%-14s %15s %12s%n", "median", "word pieces/s", "/ defaults");
        results.forEach(
                (name, list) -> {
                    double wps = EncoderBenchmark.median(list).wordPiecesPerSecond();
                    System.out.printf(Locale.ROOT, "%-14s %15.0f %11.2fx%n", name, wps, wps / base);
                });
    }
}
