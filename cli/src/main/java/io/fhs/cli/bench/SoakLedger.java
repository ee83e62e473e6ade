package io.fhs.cli.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a soak sent to the input topic, and what the ingest job must have made of it: the newest
 * version of every document not deleted is indexed, every bad record is dead-lettered. Versions
 * come from one counter, so the newest record of a document is also its last one.
 */
public final class SoakLedger {
    private final Map<String, IndexAudit.Doc> live = new LinkedHashMap<>();
    private final Set<String> deleted = new HashSet<>();
    private final Set<String> bad = new LinkedHashSet<>();
    private long records;
    private long updates;

    /**
     * A new document or a new version of one.
     *
     * @return whether the job must write this version (false for an unchanged re-send)
     */
    public boolean upsert(IndexAudit.Doc doc) {
        records++;
        IndexAudit.Doc previous = live.get(doc.id());
        if (previous != null) {
            updates++;
            // The job's version gate drops a re-send whose title and text are unchanged (nothing
            // to re-encode, metadata the same), so the points keep the version they were written
            // with; expecting the new one counted such a document as stale.
            if (previous.title().equals(doc.title()) && previous.text().equals(doc.text())) {
                return false;
            }
        }
        live.put(doc.id(), doc);
        deleted.remove(doc.id());
        return true;
    }

    public void delete(String id) {
        records++;
        if (live.remove(id) != null) {
            deleted.add(id);
        }
    }

    /** A record the job must refuse to the dead-letter topic, keyed {@code id}. */
    public void bad(String id) {
        records++;
        bad.add(id);
    }

    public long records() {
        return records;
    }

    public long updates() {
        return updates;
    }

    public int deletes() {
        return deleted.size();
    }

    public Collection<IndexAudit.Doc> live() {
        return live.values();
    }

    public Set<String> badIds() {
        return bad;
    }

    /**
     * The books balanced: {@code unread} records the job has not committed yet, {@code index} the
     * audit of the collection against {@link #live()} (null while records are unread), {@code
     * deadLetterKeys} the keys found in the dead-letter topic, and the queries sent and answered
     * (with an error result or not).
     */
    public Accounting account(
            long unread,
            IndexAudit.Report index,
            Set<String> deadLetterKeys,
            long queriesSent,
            long queriesAnswered,
            long queryErrors) {
        List<String> missingLetters = new ArrayList<>();
        for (String id : bad) {
            if (!deadLetterKeys.contains(id)) {
                missingLetters.add(id);
            }
        }
        List<String> unexpectedLetters = new ArrayList<>();
        for (String key : deadLetterKeys) {
            if (!bad.contains(key)) {
                unexpectedLetters.add(key);
            }
        }
        return new Accounting(
                records,
                unread,
                live.size(),
                index,
                bad.size(),
                missingLetters,
                unexpectedLetters,
                queriesSent,
                queriesAnswered,
                queryErrors);
    }

    /**
     * The end-of-soak accounting.
     *
     * @param unread records of the input topic the job has not committed
     * @param index the audit of the collection; null while records are unread
     * @param missingDeadLetters bad records with no dead letter
     * @param unexpectedDeadLetters dead letters of records that were not bad (a good document
     *     refused)
     */
    public record Accounting(
            long records,
            long unread,
            int liveDocuments,
            IndexAudit.Report index,
            int badRecords,
            List<String> missingDeadLetters,
            List<String> unexpectedDeadLetters,
            long queriesSent,
            long queriesAnswered,
            long queryErrors) {

        public boolean balanced() {
            return problems().isEmpty();
        }

        /** What does not add up, one line each; empty when everything is accounted for. */
        public List<String> problems() {
            List<String> out = new ArrayList<>();
            if (unread > 0) {
                out.add(unread + " records of the input topic not read (committed) by the job");
            } else if (index == null || !index.clean()) {
                out.add("the collection does not match the live documents: " + index);
            }
            if (!missingDeadLetters.isEmpty()) {
                out.add(
                        missingDeadLetters.size()
                                + " bad records without a dead letter, e.g. "
                                + missingDeadLetters.get(0));
            }
            if (!unexpectedDeadLetters.isEmpty()) {
                out.add(
                        unexpectedDeadLetters.size()
                                + " dead letters of good records, e.g. "
                                + unexpectedDeadLetters.get(0));
            }
            if (queriesAnswered < queriesSent) {
                out.add((queriesSent - queriesAnswered) + " queries unanswered");
            }
            if (queryErrors > 0) {
                out.add(queryErrors + " queries answered with an error");
            }
            return out;
        }
    }
}
