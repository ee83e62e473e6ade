package io.fhs.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the ingest job must make of a soak's records, and when the books balance. */
class SoakLedgerTest {
    static IndexAudit.Report clean(int points) {
        return new IndexAudit.Report(points, points, 0, 0, 0);
    }

    static SoakLedger ledger() {
        SoakLedger l = new SoakLedger();
        l.upsert(new IndexAudit.Doc("a", "", "first", 1));
        l.upsert(new IndexAudit.Doc("b", "", "second", 2));
        l.upsert(new IndexAudit.Doc("a", "", "first, changed", 3));
        l.bad("bad-4");
        l.upsert(new IndexAudit.Doc("c", "", "third", 5));
        l.delete("b");
        l.bad("bad-7");
        return l;
    }

    @Test
    void theNewestVersionOfEachLiveDocumentIsExpected() {
        SoakLedger l = ledger();
        assertThat(l.records()).isEqualTo(7);
        assertThat(l.updates()).isEqualTo(1);
        assertThat(l.deletes()).isEqualTo(1);
        assertThat(l.live())
                .extracting(IndexAudit.Doc::id, IndexAudit.Doc::text, IndexAudit.Doc::version)
                .containsExactly(tuple("a", "first, changed", 3L), tuple("c", "third", 5L));
        assertThat(l.badIds()).containsExactly("bad-4", "bad-7");
    }

    @Test
    void anUnchangedReSendKeepsTheIndexedVersionAsTheJobsVersionGateDoes() {
        SoakLedger l = ledger();
        assertThat(l.upsert(new IndexAudit.Doc("c", "", "third", 8))).isFalse();
        assertThat(l.updates()).isEqualTo(2);
        assertThat(l.live())
                .extracting(IndexAudit.Doc::id, IndexAudit.Doc::version)
                .containsExactly(tuple("a", 3L), tuple("c", 5L));
    }

    @Test
    void anIdThatComesRoundAgainAfterItsDeleteIsWrittenAgain() {
        SoakLedger l = ledger();
        assertThat(l.upsert(new IndexAudit.Doc("b", "", "second", 8))).isTrue();
        assertThat(l.upsert(new IndexAudit.Doc("a", "", "first", 9))).isTrue();
        assertThat(l.deletes()).isZero();
        assertThat(l.live())
                .extracting(IndexAudit.Doc::id, IndexAudit.Doc::version)
                .containsExactlyInAnyOrder(tuple("a", 9L), tuple("b", 8L), tuple("c", 5L));
    }

    @Test
    void everythingInQdrantOrTheDeadLettersAndEveryQueryAnsweredBalances() {
        SoakLedger.Accounting b =
                ledger().account(0, clean(3), Set.of("bad-4", "bad-7"), 40, 40, 0);
        assertThat(b.problems()).isEmpty();
        assertThat(b.balanced()).isTrue();
        assertThat(b.liveDocuments()).isEqualTo(2);
        assertThat(b.badRecords()).isEqualTo(2);
    }

    @Test
    void eachKindOfLossIsNamed() {
        SoakLedger l = ledger();
        assertThat(l.account(12, null, Set.of("bad-4", "bad-7"), 40, 40, 0).problems())
                .containsExactly("12 records of the input topic not read (committed) by the job");
        assertThat(
                        l.account(
                                        0,
                                        new IndexAudit.Report(3, 2, 1, 0, 0),
                                        Set.of("bad-4", "bad-7"),
                                        1,
                                        1,
                                        0)
                                .problems())
                .singleElement()
                .asString()
                .startsWith("the collection does not match the live documents")
                .contains("missing=1");
        assertThat(l.account(0, clean(3), Set.of("bad-4", "c"), 40, 38, 2).problems())
                .containsExactly(
                        "1 bad records without a dead letter, e.g. bad-7",
                        "1 dead letters of good records, e.g. c",
                        "2 queries unanswered",
                        "2 queries answered with an error");
        assertThat(l.account(0, clean(3), Set.of("bad-4", "c"), 40, 38, 2).balanced()).isFalse();
    }
}
