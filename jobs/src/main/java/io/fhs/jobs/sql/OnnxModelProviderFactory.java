package io.fhs.jobs.sql;

import io.fhs.jobs.sql.OnnxModelOptions.Kind;
import io.fhs.jobs.sql.OnnxModelOptions.Settings;
import io.fhs.jobs.sql.OnnxModelOptions.Task;
import io.fhs.operators.model.ModelException;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.sparse.SparseEncoders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * The {@code onnx} model provider: in-process sentence-transformers models for {@code ML_PREDICT}.
 * Options and the model's INPUT/OUTPUT schema are checked here, when the planner resolves the
 * model, so a bad model fails the statement, not the running job.
 */
@PublicEvolving
public final class OnnxModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "onnx";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(OnnxModelOptions.MODEL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                OnnxModelOptions.TASK,
                OnnxModelOptions.KIND,
                OnnxModelOptions.ROLE,
                OnnxModelOptions.BATCH_SIZE,
                OnnxModelOptions.MAX_WAIT,
                OnnxModelOptions.WORKERS,
                OnnxModelOptions.THREADS,
                OnnxModelOptions.BM25_AVG_LEN,
                OnnxModelOptions.MAX_ACTIVE_DIMS);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper =
                FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        Settings settings = OnnxModelOptions.read(helper.getOptions());
        checkModel(settings);
        checkSchema(
                settings,
                context.getCatalogModel().getResolvedInputSchema(),
                context.getCatalogModel().getResolvedOutputSchema());
        return new Provider(settings);
    }

    private static void checkModel(Settings settings) {
        if (settings.kind() == Kind.SPARSE
                && settings.model().toLowerCase(Locale.ROOT).equals(SparseEncoders.BM25)) {
            return;
        }
        try {
            ModelLocator.resolve(settings.model());
        } catch (ModelException e) {
            throw OnnxModelOptions.invalid(
                    OnnxModelOptions.MODEL, "names no model: " + e.getMessage(), settings.model());
        }
    }

    private static void checkSchema(
            Settings settings, ResolvedSchema input, ResolvedSchema output) {
        int texts = settings.task() == Task.SCORING ? 2 : 1;
        List<Column> in = input.getColumns();
        if (in.size() != texts
                || in.stream().anyMatch(c -> !isString(c.getDataType().getLogicalType()))) {
            throw new ValidationException(
                    "onnx model with 'task' = '"
                            + name(settings.task())
                            + "' takes INPUT of "
                            + (texts == 2 ? "(query STRING, doc STRING)" : "one STRING column")
                            + ", got "
                            + input);
        }
        List<Column> out = output.getColumns();
        String expected = expectedOutput(settings);
        if (out.size() != 1 || !matches(out.get(0).getDataType().getLogicalType(), expected)) {
            throw new ValidationException(
                    "onnx model with 'task' = '"
                            + name(settings.task())
                            + "'"
                            + (settings.task() == Task.EMBEDDING
                                    ? " and 'kind' = '" + name(settings.kind()) + "'"
                                    : "")
                            + " gives OUTPUT of one "
                            + expected
                            + " column, got "
                            + output);
        }
    }

    /**
     * Nullability aside: the encoders never give NULL, so {@code ARRAY<FLOAT NOT NULL>} is as good
     * as {@code ARRAY<FLOAT>}.
     */
    private static boolean matches(LogicalType type, String expected) {
        return type.asSummaryString().replace(" NOT NULL", "").equals(expected);
    }

    private static String expectedOutput(Settings settings) {
        if (settings.task() == Task.SCORING) {
            return "FLOAT";
        }
        return settings.kind() == Kind.DENSE ? "ARRAY<FLOAT>" : "MAP<INT, FLOAT>";
    }

    private static boolean isString(LogicalType type) {
        return type.getTypeRoot() == LogicalTypeRoot.VARCHAR
                || type.getTypeRoot() == LogicalTypeRoot.CHAR;
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** Serializable: the planner ships the function it creates to the TaskManagers. */
    private record Provider(Settings settings) implements AsyncPredictRuntimeProvider {
        @Override
        public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
            return new OnnxPredictFunction(settings);
        }

        @Override
        public ModelProvider copy() {
            return new Provider(settings);
        }
    }
}
