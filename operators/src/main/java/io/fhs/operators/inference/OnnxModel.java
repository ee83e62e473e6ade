package io.fhs.operators.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fhs.operators.model.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A transformer graph with the usual BERT-style inputs: feeds a {@link TokenizedBatch} and returns
 * one float output. {@code token_type_ids} is fed only when the graph declares it.
 */
public final class OnnxModel implements AutoCloseable {
    private static final Set<String> KNOWN_INPUTS =
            Set.of("input_ids", "attention_mask", "token_type_ids");

    private final Path file;
    private final SharedSessions.Lease lease;
    private final boolean feedsTokenTypes;
    private final String outputName;
    private final long[] outputShape;

    /**
     * Opens {@code file} (shared per JVM) and checks that it has an output of the given rank,
     * preferring {@code preferredOutputs} by name.
     */
    public OnnxModel(Path file, int intraOpThreads, int outputRank, String... preferredOutputs) {
        this.file = file;
        this.lease = SharedSessions.acquire(file, intraOpThreads);
        try {
            OrtSession session = lease.session();
            Set<String> inputs = session.getInputNames();
            for (String input : inputs) {
                if (!KNOWN_INPUTS.contains(input)) {
                    throw new ModelException(
                            file
                                    + " declares input '"
                                    + input
                                    + "'; supported inputs are "
                                    + KNOWN_INPUTS);
                }
            }
            if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
                throw new ModelException(
                        file + " must declare inputs input_ids and attention_mask, has " + inputs);
            }
            this.feedsTokenTypes = inputs.contains("token_type_ids");
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String chosen = chooseOutput(outputs, outputRank, preferredOutputs);
            this.outputName = chosen;
            this.outputShape = ((TensorInfo) outputs.get(chosen).getInfo()).getShape();
        } catch (OrtException e) {
            lease.close();
            throw new ModelException("Cannot inspect " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private String chooseOutput(Map<String, NodeInfo> outputs, int rank, String[] preferred) {
        for (String name : preferred) {
            NodeInfo info = outputs.get(name);
            if (info != null && rankOf(info) == rank) {
                return name;
            }
        }
        String match = null;
        for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
            if (rankOf(e.getValue()) == rank) {
                if (match != null) {
                    throw new ModelException(
                            file
                                    + " has several rank-"
                                    + rank
                                    + " outputs and none named "
                                    + Arrays.toString(preferred)
                                    + ": "
                                    + describe(outputs));
                }
                match = e.getKey();
            }
        }
        if (match == null) {
            throw new ModelException(
                    file
                            + ": expected an output of rank "
                            + rank
                            + " ("
                            + String.join(" or ", preferred)
                            + "), but the outputs are "
                            + describe(outputs));
        }
        return match;
    }

    private static int rankOf(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? t.getShape().length : -1;
    }

    /** Output names with shapes, -1 for dynamic axes, e.g. {@code logits[-1, -1, 30522]}. */
    public static String describe(Map<String, NodeInfo> outputs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, NodeInfo> e : outputs.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey());
            if (e.getValue().getInfo() instanceof TensorInfo t) {
                sb.append(Arrays.toString(t.getShape()));
            }
        }
        return sb.toString();
    }

    /** The static size of the output's last axis, or -1 when dynamic. */
    public long outputLastDim() {
        return outputShape[outputShape.length - 1];
    }

    public String outputName() {
        return outputName;
    }

    public Path file() {
        return file;
    }

    /** Runs one batch; the returned output is a copy, valid after the ONNX tensors are closed. */
    public Output run(TokenizedBatch batch) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = batch.shape();
        try (OnnxTensor ids = tensor(env, batch.inputIds(), shape);
                OnnxTensor mask = tensor(env, batch.attentionMask(), shape);
                OnnxTensor types =
                        feedsTokenTypes ? tensor(env, batch.tokenTypeIds(), shape) : null) {
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            inputs.put("input_ids", ids);
            inputs.put("attention_mask", mask);
            if (types != null) {
                inputs.put("token_type_ids", types);
            }
            try (OrtSession.Result result = lease.session().run(inputs, Set.of(outputName))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                long[] outShape = out.getInfo().getShape();
                FloatBuffer data = out.getFloatBuffer();
                return new Output(data, outShape);
            }
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime failed on a batch of "
                            + batch.size()
                            + " x "
                            + batch.seqLen()
                            + " tokens with "
                            + file
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

    /** A float tensor copied out of ONNX Runtime. */
    public record Output(FloatBuffer data, long[] shape) {}

    @Override
    public void close() {
        lease.close();
    }
}
