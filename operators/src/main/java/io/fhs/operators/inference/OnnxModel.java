package io.fhs.operators.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fhs.operators.model.ModelDirectory;
import io.fhs.operators.model.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.annotation.Internal;

/**
 * The native half of every ONNX encoder: the model's tokenizer, its ONNX Runtime session (one per
 * model file in the JVM, see {@link SharedSessions}) and the {@link CloseGuard} that keeps both
 * alive while a call is in flight. Encoders are translators over it, as DJL's translators separate
 * pre- and post-processing from the model's life cycle: they prepare the batches and turn each
 * batch's output into their results (pooling, SPLADE weights, reranker scores).
 *
 * <p>Thread-safe: the session and the tokenizer are, and {@link #close} waits for calls in flight.
 */
@Internal
public final class OnnxModel implements AutoCloseable {
    private final ModelDirectory dir;
    private final TextTokenizer tokenizer;
    private final SharedSessions.Lease lease;
    private final GraphSignature signature;
    private final CloseGuard guard;

    /** The output an encoder reads: its rank, preferred names, and the encoder's own check. */
    public record ExpectedOutput(int rank, List<String> preferredNames, Consumer<OnnxModel> check) {
        public ExpectedOutput {
            preferredNames = List.copyOf(preferredNames);
        }
    }

    /** An encoder's post-processing: reads one batch's output into its results. */
    @FunctionalInterface
    public interface Translator {
        void translate(TokenizedBatch batch, Output output);
    }

    /** A float tensor copied out of ONNX Runtime. */
    public record Output(FloatBuffer data, long[] shape) {}

    private OnnxModel(
            String owner,
            ModelDirectory dir,
            int maxLength,
            int intraOpThreads,
            SessionTuning tuning,
            ExpectedOutput output) {
        this.dir = dir;
        this.guard = new CloseGuard(owner);
        this.tokenizer = new TextTokenizer(dir, maxLength);
        SharedSessions.Lease acquired = null;
        try {
            acquired = SharedSessions.acquire(dir.onnxFile(), intraOpThreads, tuning);
            this.signature =
                    GraphSignature.inspect(
                            dir.onnxFile(),
                            acquired.session(),
                            output.rank(),
                            output.preferredNames());
        } catch (OrtException e) {
            release(acquired);
            throw new ModelException("Cannot inspect " + dir.onnxFile() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(acquired);
            throw e;
        }
        this.lease = acquired;
    }

    /**
     * Loads the tokenizer (truncating to {@code maxLength}) and the graph of {@code dir}, checks
     * that the graph has the expected output, and runs the encoder's own check on it; whatever
     * fails leaves nothing open.
     *
     * @param owner the encoder, named in the error of a call after close
     */
    public static OnnxModel open(
            String owner,
            ModelDirectory dir,
            int maxLength,
            int intraOpThreads,
            ExpectedOutput output) {
        return open(owner, dir, maxLength, intraOpThreads, SessionTuning.defaults(), output);
    }

    /** As {@link #open(String, ModelDirectory, int, int, ExpectedOutput)}, tuned. */
    public static OnnxModel open(
            String owner,
            ModelDirectory dir,
            int maxLength,
            int intraOpThreads,
            SessionTuning tuning,
            ExpectedOutput output) {
        OnnxModel model = new OnnxModel(owner, dir, maxLength, intraOpThreads, tuning, output);
        try {
            output.check().accept(model);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private void release(SharedSessions.Lease acquired) {
        try {
            tokenizer.close();
        } finally {
            if (acquired != null) {
                acquired.close();
            }
        }
    }

    /**
     * Tokenizes and runs every batch under one use of the guard, handing each batch's output to the
     * translator, so a close waits for the whole call and a call after close fails cleanly.
     */
    public void run(Supplier<? extends Iterable<TokenizedBatch>> tokenize, Translator translator) {
        try (CloseGuard.Use use = guard.enter()) {
            for (TokenizedBatch batch : tokenize.get()) {
                translator.translate(batch, infer(batch));
            }
        }
    }

    /** Runs one batch, for benchmarks that measure bare inference; the output is a copy. */
    public Output run(TokenizedBatch batch) {
        try (CloseGuard.Use use = guard.enter()) {
            return infer(batch);
        }
    }

    /** Work on the tokenizer alone (tokenizing without inference), guarded as a run is. */
    public <T> T guarded(Supplier<T> work) {
        try (CloseGuard.Use use = guard.enter()) {
            return work.get();
        }
    }

    private Output infer(TokenizedBatch batch) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = batch.shape();
        try (OnnxTensor ids = tensor(env, batch.inputIds(), shape);
                OnnxTensor mask = tensor(env, batch.attentionMask(), shape);
                OnnxTensor types =
                        signature.feedsTokenTypes()
                                ? tensor(env, batch.tokenTypeIds(), shape)
                                : null) {
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            inputs.put("input_ids", ids);
            inputs.put("attention_mask", mask);
            if (types != null) {
                inputs.put("token_type_ids", types);
            }
            try (OrtSession.Result result =
                    lease.session().run(inputs, Set.of(signature.outputName()))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                // getFloatBuffer copies, so the data outlives the native tensor.
                return new Output(out.getFloatBuffer(), out.getInfo().getShape());
            }
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed on a batch of "
                            + batch.size()
                            + " x "
                            + batch.seqLen()
                            + " tokens with "
                            + dir.onnxFile()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, long[] data, long[] shape)
            throws OrtException {
        // A direct buffer lets ONNX Runtime use the memory without another copy.
        LongBuffer buffer =
                ByteBuffer.allocateDirect(data.length * Long.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asLongBuffer();
        buffer.put(data).rewind();
        return OnnxTensor.createTensor(env, buffer, shape);
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The static size of the output's last axis, or -1 when dynamic. */
    public long outputLastDim() {
        return signature.outputLastDim();
    }

    public String outputName() {
        return signature.outputName();
    }

    public Path file() {
        return dir.onnxFile();
    }

    CloseGuard guard() {
        return guard;
    }

    /** Waits for calls in flight, then frees the native resources; safe to call twice. */
    @Override
    public void close() {
        if (guard.close()) {
            release(lease);
        }
    }
}
