package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhs.connectors.testing.KafkaCluster;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.testing.PipelineExtension;
import io.fhs.jobs.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fhs ingest --bounded} in process against real Kafka and Qdrant: a healthy run reports no
 * restarts; with Qdrant gone the job restarts as configured, each restart is printed with its
 * cause, and the command gives up with a non-zero exit within the budget the options give.
 */
class IngestRestartsITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().build();

    static final KafkaCluster KAFKA = PIPELINE.kafka();
    static final QdrantServer QDRANT = PIPELINE.qdrant();

    // The failing run's budget, small so the test is quick.
    static final int ATTEMPTS = 2;
    static final Duration DELAY = Duration.ofSeconds(1);
    static final Duration RETRY = Duration.ofSeconds(5);
    // RetryPolicy.DEFAULT's longest backoff: the last retry of a streak may start this late.
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    // Deploying the tasks and loading the models again, on a shared 2-core machine.
    static final Duration START_UP = Duration.ofSeconds(20);

    @TempDir static Path tmp;

    static String[] ingest(String name, Path corpus, String... overrides) {
        return IngestCli.ingest(KAFKA, QDRANT, name, corpus, List.of(), overrides);
    }

    static Path corpus(String name, int docs) throws Exception {
        return TestData.cacmCorpusFile(tmp, name, 0, docs);
    }

    @Test
    void aHealthyBoundedIngestReportsNoRestarts() throws Exception {
        CliRunner.Running run = CliRunner.start(ingest("restarts-ok", corpus("restarts-ok", 30)));
        assertThat(run.exit().get(5, TimeUnit.MINUTES)).as(run.err().toString()).isZero();
        Matcher done =
                Pattern.compile("collection restarts-ok holds (\\d+) points; restarts: 0\\n")
                        .matcher(run.out().toString());
        assertThat(done.find()).as(run.out().toString()).isTrue();
        assertThat(Long.parseLong(done.group(1))).isGreaterThanOrEqualTo(30);
        assertThat(run.err().toString()).doesNotContain("restarted");
    }

    @Test
    void withQdrantGoneTheCommandGivesUpWithTheCauseWithinItsBudget() throws Exception {
        CliRunner.Running run =
                CliRunner.start(
                        ingest(
                                "restarts-down",
                                corpus("restarts-down", 200),
                                "restart-strategy.type=fixed-delay",
                                "restart-strategy.fixed-delay.attempts=" + ATTEMPTS,
                                "restart-strategy.fixed-delay.delay=" + DELAY.toMillis() + " ms",
                                "qdrant.write.max-retry-time=" + RETRY.toMillis() + " ms"));
        // The collection is ready once the command says it starts the job: Qdrant dies then.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!run.out().toString().contains("Ingesting topic restarts-down")) {
            assertThat(System.nanoTime()).as("job start").isLessThan(deadline);
            try {
                int exit = run.exit().get(100, TimeUnit.MILLISECONDS);
                throw new AssertionError("exited with " + exit + " before the job: " + run.err());
            } catch (TimeoutException e) {
                // still preparing
            }
        }
        QDRANT.kill();
        long killed = System.nanoTime();
        try {
            // Every attempt (the first and each restart) starts up, then retries for RETRY.
            Duration budget =
                    START_UP.plus(RETRY)
                            .plus(MAX_BACKOFF)
                            .multipliedBy(ATTEMPTS + 1)
                            .plus(DELAY.multipliedBy(ATTEMPTS));
            int exit = run.exit().get(budget.toMillis() + 60_000, TimeUnit.MILLISECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            String err = run.err().toString();
            assertThat(exit).as(err).isEqualTo(2);
            assertThat(took).as(err).isLessThan(budget);
            String qdrant = "QdrantException: Qdrant at " + QDRANT.connection();
            assertThat(err)
                    .contains("fhs: job restarted (1/2): " + qdrant)
                    .contains("fhs: job restarted (2/2): " + qdrant)
                    .doesNotContain("(3/2)")
                    .contains("fhs: job fhs-ingest failed after 2/2 restarts: " + qdrant)
                    .doesNotContain("\tat ");
            assertThat(run.out().toString()).doesNotContain("Done");
            // Each attempt's sink retried for qdrant.write.max-retry-time, then one backoff more.
            Matcher streak = Pattern.compile("kept failing for (\\d+) ms").matcher(err);
            int streaks = 0;
            while (streak.find()) {
                streaks++;
                assertThat(Duration.ofMillis(Long.parseLong(streak.group(1))))
                        .isBetween(RETRY, RETRY.plus(MAX_BACKOFF).plusSeconds(2));
            }
            assertThat(streaks).isEqualTo(ATTEMPTS + 1);
        } finally {
            QDRANT.restart();
        }
    }
}
