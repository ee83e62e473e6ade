package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fhs ingest --bounded} in process shows its progress on stderr (plain lines: tests have no
 * console): documents read of the records between the group's position and the end of the topic,
 * documents and chunks written, the rate; the final line reaches the total. {@code --quiet} shows
 * none.
 */
class IngestProgressITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    static final int DOCS = 300;
    static final int MORE_DOCS = 40;

    static final Pattern LINE =
            Pattern.compile(
                    "ingest: ([\\d,]+)/([\\d,]+) documents read, ([\\d,]+) written \\(([\\d,]+)"
                            + " chunks\\)(, ([\\d.]+) docs/s)?(, ETA \\d+:\\d\\d)?(, in"
                            + " \\d+:\\d\\d)?");
    static final Pattern POINTS = Pattern.compile("collection progress holds (\\d+) points");

    @TempDir static Path tmp;

    /** One parsed progress line. */
    record Line(long read, long total, long written, long chunks, double rate, boolean last) {}

    @Test
    void aBoundedIngestShowsItsProgressUpToTheTotalAndQuietShowsNone() throws Exception {
        CliRunner.Running first = run(TestData.cacmCorpusFile(tmp, "first", 0, DOCS), "0.2");
        List<Line> lines = progressLines(first.err().toString());
        // A line at the first poll (the job runs far longer than one), then the final one.
        assertThat(lines).as(first.err().toString()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).allSatisfy(l -> assertThat(l.total()).isEqualTo(DOCS));
        for (int i = 1; i < lines.size(); i++) {
            assertThat(lines.get(i).read()).isGreaterThanOrEqualTo(lines.get(i - 1).read());
            assertThat(lines.get(i).written()).isGreaterThanOrEqualTo(lines.get(i - 1).written());
        }
        Line last = lines.get(lines.size() - 1);
        assertThat(last.last()).isTrue();
        assertThat(lines.subList(0, lines.size() - 1)).noneMatch(Line::last);
        assertThat(last.read()).isEqualTo(DOCS);
        assertThat(last.written()).isEqualTo(DOCS);
        assertThat(last.chunks()).isEqualTo(points(first)).isGreaterThanOrEqualTo(DOCS);
        assertThat(last.rate()).isPositive();
        assertThat(first.out().toString()).doesNotContain("documents read");

        // The same group again: the total is what the topic got since, not the whole topic.
        CliRunner.Running second =
                run(TestData.cacmCorpusFile(tmp, "second", DOCS, DOCS + MORE_DOCS), "0.2");
        Line again = progressLines(second.err().toString()).get(0);
        assertThat(again.total()).as(second.err().toString()).isEqualTo(MORE_DOCS);

        CliRunner.Running quiet =
                run(
                        TestData.cacmCorpusFile(
                                tmp, "quiet", DOCS + MORE_DOCS, DOCS + 2 * MORE_DOCS),
                        "--quiet");
        assertThat(points(quiet)).isGreaterThan(points(second));
        assertThat(quiet.err().toString()).doesNotContain("documents read");
    }

    private static CliRunner.Running run(Path corpus, String progress) throws Exception {
        List<String> extra =
                progress.equals("--quiet")
                        ? List.of("--quiet")
                        : List.of("--progress-every", progress);
        // The Kafka source commits the group's offsets when a checkpoint completes, and commits
        // asynchronously: a run that ends before its first periodic checkpoint may close its
        // consumer before the final commit lands, and the next run then counts (and re-reads) the
        // whole topic. Frequent checkpoints commit while the run is still going.
        CliRunner.Running run =
                CliRunner.start(
                        IngestCli.ingest(
                                KAFKA,
                                QDRANT,
                                "progress",
                                corpus,
                                extra,
                                "ingest.checkpoint-interval=1 s"));
        assertThat(run.exit().get(5, TimeUnit.MINUTES)).as(run.err().toString()).isZero();
        return run;
    }

    private static long points(CliRunner.Running run) {
        Matcher m = POINTS.matcher(run.out().toString());
        assertThat(m.find()).as(run.out().toString()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static List<Line> progressLines(String err) {
        List<Line> lines = new ArrayList<>();
        for (String s : err.split("\n")) {
            Matcher m = LINE.matcher(s);
            if (s.startsWith("ingest: ")) {
                assertThat(m.matches()).as("progress line '%s'", s).isTrue();
                lines.add(
                        new Line(
                                number(m.group(1)),
                                number(m.group(2)),
                                number(m.group(3)),
                                number(m.group(4)),
                                m.group(6) == null ? 0 : Double.parseDouble(m.group(6)),
                                m.group(8) != null));
            }
        }
        return lines;
    }

    private static long number(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }
}
