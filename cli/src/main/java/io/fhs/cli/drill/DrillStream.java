package io.fhs.cli.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhs.cli.bench.IndexAudit;
import io.fhs.jobs.data.TextRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The drill's input and, computed independently of the job, what it means: documents are upserted,
 * updated (growing into several chunks and shrinking again), deleted and re-created, re-sent
 * unchanged, sent again in a stale version, and mixed with records that break the input contract.
 * The expected collection after any prefix of the stream follows the rules the job must apply: the
 * newest version of a document wins, a delete removes it, a bad record becomes a dead letter.
 */
public final class DrillStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    // One record in this many is bad, so that every slice of the drill has a few.
    private static final int BAD_EVERY = 12;
    // Texts joined into one long document (several chunks), so that shrinking it deletes a tail.
    private static final int LONG_PARTS = 6;

    /** What a record is, for the model. */
    public enum Kind {
        UPSERT,
        DELETE,
        BAD
    }

    /**
     * One Kafka record with what it means: {@code doc} is null for a bad record (which the job
     * dead-letters), {@code version} is the version it carries.
     */
    public record Event(Kind kind, String key, byte[] value, IndexAudit.Doc doc, long version) {}

    private final List<Event> events;

    private DrillStream(List<Event> events) {
        this.events = List.copyOf(events);
    }

    public List<Event> events() {
        return events;
    }

    /**
     * A stream over {@code docs} documents made from {@code corpus} texts: each document's first
     * version, interleaved with as many random operations on documents already sent, and a bad
     * record every {@value #BAD_EVERY} records.
     */
    public static DrillStream generate(List<TextRecord> corpus, int docs, long seed) {
        Generator g = new Generator(corpus, new Random(seed));
        for (int i = 0; i < docs; i++) {
            g.introduce("drill-" + i);
            g.randomOperation();
        }
        return new DrillStream(g.events);
    }

    /** The documents live after the first {@code count} records, as the job must index them. */
    public Collection<IndexAudit.Doc> liveAfter(int count) {
        Map<String, IndexAudit.Doc> live = new LinkedHashMap<>();
        Map<String, Long> newest = new HashMap<>();
        for (Event e : events.subList(0, count)) {
            if (e.kind() == Kind.BAD
                    || e.version() < newest.getOrDefault(e.key(), Long.MIN_VALUE)) {
                continue;
            }
            newest.put(e.key(), e.version());
            if (e.kind() == Kind.UPSERT) {
                live.put(e.key(), e.doc());
            } else {
                live.remove(e.key());
            }
        }
        return live.values();
    }

    /** How many of the first {@code count} records must become dead letters. */
    public int badRecordsIn(int count) {
        int bad = 0;
        for (Event e : events.subList(0, count)) {
            if (e.kind() == Kind.BAD) {
                bad++;
            }
        }
        return bad;
    }

    /** Builds the events, tracking the newest version it sent of each document. */
    private static final class Generator {
        final List<TextRecord> corpus;
        final Random random;
        final List<Event> events = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        final Map<String, Long> version = new HashMap<>();
        // The last upsert of each document: what an unchanged re-send repeats.
        final Map<String, IndexAudit.Doc> lastUpsert = new HashMap<>();
        final Map<String, Boolean> deleted = new HashMap<>();
        int nextText;
        int bad;

        Generator(List<TextRecord> corpus, Random random) {
            this.corpus = corpus;
            this.random = random;
        }

        void introduce(String id) {
            ids.add(id);
            upsert(id, random.nextInt(5) == 0 ? longText() : shortText(), 1);
        }

        void randomOperation() {
            String id = ids.get(random.nextInt(ids.size()));
            long v = version.get(id);
            boolean isDeleted = deleted.getOrDefault(id, false);
            switch (random.nextInt(6)) {
                case 0 -> upsert(id, longText(), v + 1); // grows (or is re-created)
                case 1 -> upsert(id, shortText(), v + 1); // shrinks
                case 2 -> delete(id, v + 1);
                case 3 -> upsert(id, "a stale version of " + id, v - 1);
                default -> {
                    if (isDeleted) {
                        upsert(id, shortText(), v + 1);
                    } else {
                        IndexAudit.Doc same = lastUpsert.get(id);
                        upsert(id, same.text(), same.version()); // an unchanged re-send
                    }
                }
            }
        }

        void upsert(String id, String text, long v) {
            String title = "title of " + id;
            ObjectNode doc = JSON.createObjectNode().put("id", id).put("title", title);
            doc.put("text", text).put("version", v);
            IndexAudit.Doc d = new IndexAudit.Doc(id, title, text, v);
            add(new Event(Kind.UPSERT, id, bytes(doc.toString()), d, v));
            if (v >= version.getOrDefault(id, Long.MIN_VALUE)) {
                version.put(id, v);
                lastUpsert.put(id, d);
                deleted.put(id, false);
            }
        }

        void delete(String id, long v) {
            ObjectNode doc = JSON.createObjectNode().put("id", id).put("op", "delete");
            doc.put("version", v);
            add(new Event(Kind.DELETE, id, bytes(doc.toString()), null, v));
            version.put(id, v);
            deleted.put(id, true);
        }

        private void add(Event e) {
            events.add(e);
            if (events.size() % BAD_EVERY == 0) {
                bad++;
                // Invalid JSON and JSON that is no object: the validation refuses both, whatever
                // the options, so each is certainly a dead letter.
                String value = bad % 2 == 0 ? "{\"id\": \"bad-" + bad + "\", " : "[" + bad + "]";
                events.add(new Event(Kind.BAD, "bad-" + bad, bytes(value), null, 0));
            }
        }

        private String shortText() {
            return corpus.get(nextText++ % corpus.size()).text();
        }

        private String longText() {
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < LONG_PARTS; k++) {
                text.append(shortText()).append(' ');
            }
            return text.toString().trim();
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
