package io.fhs.operators.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fhs.operators.model.ModelException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a transformer graph takes and gives, checked once when it is loaded: the usual BERT-style
 * inputs ({@code token_type_ids} only when declared) and the one float output an encoder reads.
 */
final class GraphSignature {
    private static final Set<String> KNOWN_INPUTS =
            Set.of("input_ids", "attention_mask", "token_type_ids");

    private final boolean feedsTokenTypes;
    private final String outputName;
    private final long[] outputShape;

    private GraphSignature(boolean feedsTokenTypes, String outputName, long[] outputShape) {
        this.feedsTokenTypes = feedsTokenTypes;
        this.outputName = outputName;
        this.outputShape = outputShape;
    }

    /** Checks the inputs and picks the output of the given rank, preferring the given names. */
    static GraphSignature inspect(Path file, OrtSession session, int rank, List<String> preferred)
            throws OrtException {
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
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String chosen = chooseOutput(file, outputs, rank, preferred);
        long[] shape = ((TensorInfo) outputs.get(chosen).getInfo()).getShape();
        return new GraphSignature(inputs.contains("token_type_ids"), chosen, shape);
    }

    private static String chooseOutput(
            Path file, Map<String, NodeInfo> outputs, int rank, List<String> preferred) {
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
                                    + preferred
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
    static String describe(Map<String, NodeInfo> outputs) {
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

    boolean feedsTokenTypes() {
        return feedsTokenTypes;
    }

    String outputName() {
        return outputName;
    }

    /** The static size of the output's last axis, or -1 when dynamic. */
    long outputLastDim() {
        return outputShape[outputShape.length - 1];
    }
}
