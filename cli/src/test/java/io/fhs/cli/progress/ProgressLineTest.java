package io.fhs.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the progress line prints and when, on a clock the test moves. */
class ProgressLineTest {
    private final StringWriter out = new StringWriter();
    private long nanos;

    private ProgressLine line(boolean terminal, String rateUnit) {
        return new ProgressLine(
                new PrintWriter(out),
                "ingest",
                "documents read",
                rateUnit,
                terminal,
                Duration.ofSeconds(10),
                () -> nanos);
    }

    private void at(double seconds) {
        nanos = (long) (seconds * 1e9);
    }

    @Test
    void plainLinesComeEveryPeriodWithTheRecentRateAndTimeLeftThenAFinalLine() {
        ProgressLine line = line(false, "docs/s");
        // Start-up: 4 s without a document written, then 10 written per second; reading runs
        // 100 documents ahead.
        for (int s = 1; s <= 45; s++) {
            at(s);
            long written = Math.max(0, (s - 4) * 10L);
            line.update(Math.min(500, written + 100), 500, written, written + " written");
        }
        at(45.4);
        line.finish();
        assertThat(out.toString().split("\n"))
                .containsExactly(
                        // at 10 s: 60 written over the 9 s since the first update
                        "ingest: 160/500 documents read, 60 written, 6.7 docs/s, ETA 1:06",
                        "ingest: 260/500 documents read, 160 written, 8.4 docs/s, ETA 0:41",
                        "ingest: 360/500 documents read, 260 written, 9.0 docs/s, ETA 0:27",
                        // from 31 s on the rate is over the last 30 s only: start-up is out
                        "ingest: 460/500 documents read, 360 written, 10.0 docs/s, ETA 0:14",
                        "ingest: 500/500 documents read, 410 written, 9.0 docs/s, in 0:45");
    }

    @Test
    void withoutATotalThereIsNoTimeLeft() {
        ProgressLine line = line(false, "docs/s");
        at(5);
        line.update(10, -1);
        at(11);
        line.update(70, -1);
        assertThat(out.toString()).isEqualTo("ingest: 70 documents read, 10.0 docs/s\n");
    }

    @Test
    void withoutARateUnitOnlyTheTimeLeftIsShown() {
        ProgressLine line = line(false, "");
        at(10);
        line.update(2, 6);
        at(20);
        line.update(4, 6);
        line.finish();
        assertThat(out.toString())
                .isEqualTo(
                        "ingest: 2/6 documents read\n"
                                + "ingest: 4/6 documents read, ETA 0:10\n"
                                + "ingest: 4/6 documents read, in 0:20\n");
    }

    @Test
    void aTerminalLineIsRedrawnInPlaceAndClearedForOtherLines() {
        ProgressLine line = line(true, "docs/s");
        at(1);
        line.update(10, 100);
        at(1.1);
        line.update(20, 100); // within 250 ms of the last drawing: not drawn
        at(2);
        line.update(100, 100);
        String drawn = "ingest: 100/100 documents read, 90.0 docs/s, ETA 0:00";
        assertThat(out.toString()).isEqualTo("\ringest: 10/100 documents read\r" + drawn);
        out.getBuffer().setLength(0);
        line.clear();
        assertThat(out.toString()).isEqualTo("\r" + " ".repeat(drawn.length()) + "\r");
        out.getBuffer().setLength(0);
        at(4);
        line.finish();
        assertThat(out.toString())
                .isEqualTo("\ringest: 100/100 documents read, 25.0 docs/s, in 0:04\n");
    }

    @Test
    void aShorterTerminalLineBlanksWhatIsLeftOfTheLongerOne() {
        ProgressLine line = line(true, "docs/s");
        at(1);
        line.update(5, -1, 5, "a long detail");
        at(2);
        line.update(6, -1, 6, "");
        String longer = "ingest: 5 documents read, a long detail";
        String shorter = "ingest: 6 documents read, 1.0 docs/s";
        assertThat(out.toString())
                .isEqualTo(
                        "\r"
                                + longer
                                + "\r"
                                + shorter
                                + " ".repeat(longer.length() - shorter.length()));
    }

    @Test
    void offShowsNothing() {
        ProgressLine off = ProgressLine.off();
        off.update(1, 2);
        off.clear();
        off.finish();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void clockHasHoursOnlyFromAnHourOn() {
        assertThat(ProgressLine.clock(0)).isEqualTo("0:00");
        assertThat(ProgressLine.clock(59)).isEqualTo("0:59");
        assertThat(ProgressLine.clock(3599)).isEqualTo("59:59");
        assertThat(ProgressLine.clock(3661)).isEqualTo("1:01:01");
    }
}
