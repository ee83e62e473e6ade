package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.operators.inference.DenseEncoder;
import io.fhs.operators.model.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FhsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Output, error output and exit code of one in-process run. */
    record Run(int exitCode, String out, String err) {
        List<JsonNode> jsonLines() throws Exception {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
            return lines;
        }
    }

    static Run run(String stdin, String... args) {
        CliRunner.Result r = CliRunner.run(stdin, args);
        return new Run(r.exitCode(), r.out(), r.err());
    }

    static float[] vector(JsonNode line) {
        JsonNode array = line.get("vector");
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).floatValue();
        }
        return v;
    }

    @Test
    void encodePrintsTheEncodersVectorsAsJsonLines() throws Exception {
        Run run =
                run(
                        "",
                        "encode",
                        "--model",
                        "all-MiniLM-L6-v2",
                        "first text",
                        "second, longer text");
        assertThat(run.exitCode()).isZero();
        List<JsonNode> lines = run.jsonLines();
        assertThat(lines)
                .extracting(l -> l.get("text").asText())
                .containsExactly("first text", "second, longer text");
        try (DenseEncoder encoder = DenseEncoder.open("all-MiniLM-L6-v2")) {
            // Floats survive the JSON round trip exactly: the CLI prints the shortest exact form.
            assertThat(vector(lines.get(1)))
                    .containsExactly(encoder.encode("second, longer text", Role.DOCUMENT));
        }
    }

    @Test
    void queryFlagAppliesTheModelsQueryPrompt() throws Exception {
        String text = "what is a vector database";
        float[] asQuery =
                vector(
                        run("", "encode", "-m", "bge-small-en-v1.5", "--query", text)
                                .jsonLines()
                                .get(0));
        float[] asDoc =
                vector(run("", "encode", "-m", "bge-small-en-v1.5", text).jsonLines().get(0));
        assertThat(asQuery).hasSize(384).isNotEqualTo(asDoc);
    }

    @Test
    void badStdinLinesAreReportedWithLineAndFieldAndTheRestIsEncoded() throws Exception {
        Run run =
                run(
                        "{\"text\": \"good one\"}\n{\"txt\": \"typo\"}\nnot json\n\n{\"text\": \"good two\"}\n",
                        "encode");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.jsonLines())
                .extracting(l -> l.get("text").asText())
                .containsExactly("good one", "good two");
        assertThat(run.err())
                .contains("stdin:2: field \"text\" must be a string")
                .contains("stdin:3: not valid JSON");
    }

    @Test
    void unknownModelFailsWithTheBundledNames() {
        Run run = run("", "encode", "--model", "no-such-model", "x");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("Unknown model 'no-such-model'")
                .contains("all-MiniLM-L6-v2")
                .doesNotContain("Exception");
    }

    @Test
    void demoFindsTheExpectedDocuments() {
        Run run = run("", "demo", "--top-k", "1");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains(
                        "Encoded 24 documents with all-MiniLM-L6-v2 (384 dims, cosine similarity)")
                .containsPattern(
                        "Query: How do artificial neural networks work\\?\\R  1\\. 0\\.\\d{4}  ml-3 ")
                .containsPattern(
                        "Query: How does a stream processor survive failures\\?\\R  1\\. 0\\.\\d{4}  stream-2 ");
    }

    @Test
    void helpListsEveryCommandWithOneCompleteSentence() {
        Run run = run("", "--help");
        assertThat(run.exitCode()).isZero();
        String commands = run.out().substring(run.out().indexOf("Commands:"));
        for (String name :
                List.of(
                        "demo",
                        "encode",
                        "rerank",
                        "ingest",
                        "eval",
                        "query",
                        "search",
                        "serve",
                        "models",
                        "bench",
                        "quickstart",
                        "local",
                        "cluster",
                        "build")) {
            // A summary may wrap onto an indented line; it must end with its full stop.
            assertThat(commands)
                    .as("summary of %s", name)
                    .containsPattern("(?m)^  " + name + " +[A-Z][^\\n]*(\\n {6,}[^\\n]+)*\\.$");
        }
        Run bench = run("", "bench", "--help");
        for (String name : List.of("encoder", "ingest", "query")) {
            assertThat(bench.out())
                    .as("summary of bench %s", name)
                    .containsPattern("(?m)^  " + name + " +[A-Z][^\\n]*(\\n {6,}[^\\n]+)*\\.$");
        }
    }

    @Test
    void anUnknownCommandFailsEvenWithHelp() {
        Run run = run("", "NOSUCH", "--help");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("Unmatched argument at index 0: 'NOSUCH'")
                .contains("Did you mean");
        assertThat(run.out()).doesNotContain("Commands:");
    }

    /** One --config/-D for every command that takes options, not a copy per command. */
    @Test
    void everyCommandThatTakesOptionsHasTheConfigMixin() {
        CommandLine cli = Fhs.commandLine();
        CommandLine bench = cli.getSubcommands().get("bench");
        List<CommandLine> configured =
                List.of(
                        cli.getSubcommands().get("ingest"),
                        cli.getSubcommands().get("query"),
                        cli.getSubcommands().get("search"),
                        cli.getSubcommands().get("serve"),
                        cli.getSubcommands().get("eval"),
                        bench.getSubcommands().get("ingest"),
                        bench.getSubcommands().get("query"));
        for (CommandLine c : configured) {
            assertThat(c.getCommandSpec().mixins()).as(c.getCommandName()).containsKey("options");
            assertThat(c.getCommandSpec().mixins().get("options").userObject())
                    .as(c.getCommandName())
                    .isInstanceOf(ConfigMixin.class);
        }
    }

    @Test
    void aMistypedOptionFailsBeforeAnythingConnects() {
        String conf =
                Path.of(System.getProperty("fhs.root", ".."), "conf", "query.yaml").toString();
        for (String command : List.of("search", "ingest", "query")) {
            Run run = run("", command, "--config", conf, "-D", "qdrant.colection=cacm");
            assertThat(run.exitCode()).as(command).isEqualTo(2);
            assertThat(run.err())
                    .as(command)
                    .contains(
                            "fhs: Unknown option 'qdrant.colection' in -D; the nearest known"
                                    + " option is 'qdrant.collection'");
        }
    }
}
