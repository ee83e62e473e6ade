package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.reindex.ReindexOptions;
import io.fhs.jobs.testing.TestData;
import io.fhs.operators.quantize.VectorQuantization;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code fhs reindex}'s command line: what it requires, what it parses, what it refuses. */
class ReindexCommandTest {
    private static ReindexCommand parse(String... args) {
        ReindexCommand command = new ReindexCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private static CliRunner.Result cli(String... args) {
        return CliRunner.run("", args);
    }

    @Test
    void theModelIsRequired() {
        CliRunner.Result r = cli("reindex");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--model=NAME|DIR'");
    }

    @Test
    void anUnknownQuantizationIsRefused() {
        CliRunner.Result r = cli("reindex", "--model", "m", "--quantization", "INT4");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--quantization").contains("INT4");
    }

    @Test
    void theNewModelsAndQuantizationReplaceTheFilesOnes() {
        ReindexCommand c =
                parse(
                        "--config",
                        TestData.conf("ingest.yaml").toString(),
                        "--model",
                        "bge-small-en-v1.5",
                        "--sparse",
                        "none",
                        "--quantization",
                        "INT8",
                        "--drop-old",
                        "-D",
                        "qdrant.collection=docs",
                        "-D",
                        "reindex.max-lag=5");
        Configuration wanted = c.wanted(c.options.ingest());
        assertThat(wanted.get(ModelOptions.DENSE)).isEqualTo("bge-small-en-v1.5");
        assertThat(wanted.get(ModelOptions.SPARSE)).isEqualTo("none");
        assertThat(wanted.get(IngestOptions.CLIENT_QUANTIZATION))
                .isEqualTo(VectorQuantization.Mode.INT8);
        assertThat(wanted.get(QdrantOptions.COLLECTION)).isEqualTo("docs");
        assertThat(wanted.get(ReindexOptions.MAX_LAG)).isEqualTo(5L);
        assertThat(c.dropOld).isTrue();
        assertThat(c.parallelism).isEqualTo(1);
    }

    @Test
    void withoutSparseOrQuantizationTheFilesStay() {
        ReindexCommand c =
                parse("--config", TestData.conf("ingest.yaml").toString(), "--model", "dir/m");
        Configuration wanted = c.wanted(c.options.ingest());
        assertThat(wanted.get(ModelOptions.DENSE)).isEqualTo("dir/m");
        assertThat(wanted.get(ModelOptions.SPARSE)).isEqualTo("bm25");
        assertThat(wanted.get(IngestOptions.CLIENT_QUANTIZATION))
                .isEqualTo(VectorQuantization.Mode.NONE);
        assertThat(c.dropOld).isFalse();
    }

    @Test
    void aBadReindexOptionFailsNamingIt() {
        ReindexCommand c =
                parse(
                        "--config",
                        TestData.conf("ingest.yaml").toString(),
                        "--model",
                        "m",
                        "-D",
                        "reindex.max-passes=0");
        assertThatThrownBy(() -> c.wanted(c.options.ingest()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("reindex.max-passes must be >= 1, got 0");
    }

    @Test
    void theTopLevelHelpListsIt() {
        CliRunner.Result r = cli("--help");
        assertThat(r.out()).contains("reindex");
    }
}
