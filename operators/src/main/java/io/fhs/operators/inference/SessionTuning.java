package io.fhs.operators.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * ONNX Runtime session options beyond the thread count, as {@code bin/fhs bench encoder
 * --session-study} measures them. The defaults are ONNX Runtime's own, which the study found best
 * (or no worse) on the development CPU; see the README's Performance section.
 *
 * @param optimization graph optimization level (operator fusion, constant folding)
 * @param spinning whether intra-op threads spin while waiting for work instead of sleeping
 * @param cpuArena whether tensors come from ONNX Runtime's CPU memory arena
 * @param memoryPattern whether ONNX Runtime plans allocations from the previous run's shapes
 */
@PublicEvolving
public record SessionTuning(
        Optimization optimization, boolean spinning, boolean cpuArena, boolean memoryPattern)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** ONNX Runtime's graph optimization levels. */
    public enum Optimization {
        NONE(OptLevel.NO_OPT),
        BASIC(OptLevel.BASIC_OPT),
        EXTENDED(OptLevel.EXTENDED_OPT),
        ALL(OptLevel.ALL_OPT);

        private final OptLevel level;

        Optimization(OptLevel level) {
            this.level = level;
        }
    }

    public SessionTuning {
        Objects.requireNonNull(optimization, "optimization");
    }

    /** ONNX Runtime's defaults: every graph optimization, spinning threads, arena, patterns. */
    public static SessionTuning defaults() {
        return new SessionTuning(Optimization.ALL, true, true, true);
    }

    public SessionTuning withOptimization(Optimization o) {
        return new SessionTuning(o, spinning, cpuArena, memoryPattern);
    }

    public SessionTuning withSpinning(boolean on) {
        return new SessionTuning(optimization, on, cpuArena, memoryPattern);
    }

    public SessionTuning withCpuArena(boolean on) {
        return new SessionTuning(optimization, spinning, on, memoryPattern);
    }

    public SessionTuning withMemoryPattern(boolean on) {
        return new SessionTuning(optimization, spinning, cpuArena, on);
    }

    /** Sets these options on {@code options}. */
    void applyTo(OrtSession.SessionOptions options) throws OrtException {
        options.setOptimizationLevel(optimization.level);
        // A session-level config entry; ONNX Runtime spins unless told "0".
        options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        options.setCPUArenaAllocator(cpuArena);
        options.setMemoryPatternOptimization(memoryPattern);
    }

    /** A short label, e.g. {@code opt=ALL spin arena pattern}. */
    public String label() {
        return String.format(
                Locale.ROOT,
                "opt=%s %s %s %s",
                optimization,
                spinning ? "spin" : "no-spin",
                cpuArena ? "arena" : "no-arena",
                memoryPattern ? "pattern" : "no-pattern");
    }
}
