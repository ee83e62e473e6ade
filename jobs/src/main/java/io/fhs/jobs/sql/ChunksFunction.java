package io.fhs.jobs.sql;

import io.fhs.jobs.options.ChunkOptions;
import io.fhs.operators.model.ModelLocator;
import io.fhs.operators.text.Chunk;
import io.fhs.operators.text.Chunker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code FHS_CHUNKS(text, model [, overlap_tokens])}: the chunks the ingest job would cut {@code
 * text} into for the dense {@code model} ({@link Chunker#forDocuments}, overlap 32 word pieces by
 * default as {@code chunk.overlap-tokens}), one row each, with the document's chunk count (the
 * ingest job's {@code chunk_count} payload). Register it with {@code CREATE FUNCTION FHS_CHUNKS AS
 * 'io.fhs.jobs.sql.ChunksFunction'}. A NULL or token-less text yields no rows.
 */
@PublicEvolving
@FunctionHint(
        output =
                @DataTypeHint(
                        "ROW<chunk INT, start_offset INT, end_offset INT, chunk_text STRING,"
                                + " chunk_count INT>"))
public final class ChunksFunction extends TableFunction<Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChunksFunction.class);

    /** A chunker per (model, overlap): loading a tokenizer per row would dominate the cost. */
    private transient Map<String, Chunker> chunkers;

    public void eval(String text, String model) {
        eval(text, model, ChunkOptions.OVERLAP_TOKENS.defaultValue());
    }

    public void eval(String text, String model, Integer overlapTokens) {
        if (text == null) {
            return;
        }
        List<Chunk> chunks = chunker(model, overlapTokens).chunk(text);
        for (Chunk c : chunks) {
            collect(Row.of(c.index(), c.start(), c.end(), c.text(), chunks.size()));
        }
    }

    private Chunker chunker(String model, int overlapTokens) {
        if (chunkers == null) {
            chunkers = new HashMap<>();
        }
        return chunkers.computeIfAbsent(
                model + "\u0000" + overlapTokens,
                key -> Chunker.forDocuments(ModelLocator.resolve(model), overlapTokens));
    }

    @Override
    public void close() {
        if (chunkers == null) {
            return;
        }
        for (Chunker c : chunkers.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing a chunker failed", e);
            }
        }
        chunkers.clear();
    }
}
