package io.fhs.jobs.sql;

import io.fhs.jobs.sql.OnnxModelOptions.Settings;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.rerank.CrossEncoder;
import io.fhs.operators.rerank.CrossEncoder.TextPair;
import io.fhs.operators.sparse.SparseEncoder;
import io.fhs.operators.sparse.SparseEncoders;
import io.fhs.operators.sparse.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;

/**
 * One of the plain-Java models behind a batch function from input rows to output rows: the encoder
 * sorts each batch by length and pads it dynamically, so a row's result does not depend on which
 * rows shared its batch.
 */
@Internal
interface OnnxBatchModel extends Function<List<RowData>, List<RowData>>, AutoCloseable {
    @Override
    void close();

    static OnnxBatchModel open(Settings settings) {
        return switch (settings.task()) {
            case SCORING ->
                    new Scoring(
                            new CrossEncoder(
                                    ModelLocator.resolve(settings.model()),
                                    settings.encoderOptions()));
            case EMBEDDING ->
                    settings.kind() == OnnxModelOptions.Kind.DENSE
                            ? new Dense(
                                    DenseEncoder.open(
                                            ModelLocator.resolve(settings.model()),
                                            settings.encoderOptions()),
                                    settings)
                            : new Sparse(
                                    SparseEncoders.open(
                                            settings.model(),
                                            settings.encoderOptions(),
                                            settings.bm25(),
                                            settings.maxActiveDims()),
                                    settings);
        };
    }

    private static List<String> texts(List<RowData> rows, int column) {
        List<String> texts = new ArrayList<>(rows.size());
        for (RowData row : rows) {
            // A NULL text encodes as the empty one: ML_PREDICT has no way to skip a row.
            texts.add(row.isNullAt(column) ? "" : row.getString(column).toString());
        }
        return texts;
    }

    /** A dense embedding, {@code ARRAY<FLOAT>}. */
    record Dense(DenseEncoder encoder, Settings settings) implements OnnxBatchModel {
        @Override
        public List<RowData> apply(List<RowData> rows) {
            float[][] vectors = encoder.encode(texts(rows, 0), settings.role());
            List<RowData> out = new ArrayList<>(vectors.length);
            for (float[] v : vectors) {
                out.add(GenericRowData.of(new GenericArrayData(v)));
            }
            return out;
        }

        @Override
        public void close() {
            encoder.close();
        }
    }

    /** A sparse vector, {@code MAP<INT, FLOAT>} from term index to weight. */
    record Sparse(SparseEncoder encoder, Settings settings) implements OnnxBatchModel {
        @Override
        public List<RowData> apply(List<RowData> rows) {
            List<SparseVector> vectors = encoder.encode(texts(rows, 0), settings.role());
            List<RowData> out = new ArrayList<>(vectors.size());
            for (SparseVector v : vectors) {
                Map<Integer, Float> weights = new HashMap<>(v.size() * 2);
                for (int i = 0; i < v.size(); i++) {
                    weights.put(v.indices()[i], v.values()[i]);
                }
                out.add(GenericRowData.of(new GenericMapData(weights)));
            }
            return out;
        }

        @Override
        public void close() {
            encoder.close();
        }
    }

    /** A cross-encoder score of (query, document), {@code FLOAT}. */
    record Scoring(CrossEncoder encoder) implements OnnxBatchModel {
        @Override
        public List<RowData> apply(List<RowData> rows) {
            List<String> queries = texts(rows, 0);
            List<String> docs = texts(rows, 1);
            List<TextPair> pairs = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                pairs.add(new TextPair(queries.get(i), docs.get(i)));
            }
            float[] scores = encoder.predict(pairs);
            List<RowData> out = new ArrayList<>(scores.length);
            for (float s : scores) {
                out.add(GenericRowData.of(s));
            }
            return out;
        }

        @Override
        public void close() {
            encoder.close();
        }
    }
}
