package io.fhs.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Seeded hostile-but-realistic input for the ingest job, with an independent model of what each
 * record must become: a live document (upsert, payload update), a delete, a deliberate drop (a
 * stale version, an unchanged re-send) or a dead letter of a given stage.
 */
final class GeneratedRecords {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What one record must end as. */
    enum Outcome {
        INDEXED,
        PAYLOAD_UPDATE,
        DELETE,
        STALE_DROP,
        UNCHANGED_DROP,
        DEAD_LETTER_VALIDATE,
        DEAD_LETTER_CHUNK
    }

    /** A produced record: key and value (null for a tombstone). */
    record Input(byte[] key, byte[] value) {}

    /** What the model expects of one live document's point. */
    record Live(String title, String text, long version, int rev) {}

    /** The model's per-document state, as the job's contract defines it. */
    private record State(Long lastVersion, String title, String text, int rev) {}

    final List<Input> inputs = new ArrayList<>();
    final List<Outcome> outcomes = new ArrayList<>();
    final Map<String, Live> live = new HashMap<>();
    private final Map<String, State> states = new HashMap<>();
    private final Random random;
    private final int maxDocumentBytes;
    private final List<String> ids = new ArrayList<>();
    private final Map<Integer, ObjectNode> metadataByRev = new HashMap<>();
    private int revs;

    GeneratedRecords(long seed, int count, int documents, int maxDocumentBytes) {
        this.random = new Random(seed);
        this.maxDocumentBytes = maxDocumentBytes;
        for (int i = 0; i < documents; i++) {
            ids.add("doc-" + i + (i % 7 == 0 ? "-\u00e9\u4e2d\ud83d\ude00" : ""));
        }
        for (int i = 0; i < count; i++) {
            next();
        }
    }

    Map<Outcome, Integer> counts() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        outcomes.forEach(o -> counts.merge(o, 1, Integer::sum));
        return counts;
    }

    private void next() {
        String id = ids.get(random.nextInt(ids.size()));
        State state = states.get(id);
        int dice = random.nextInt(100);
        if (dice < 35 || state == null && dice < 60) {
            upsert(id, state, newVersion(state), randomText(), newRev());
        } else if (dice < 45 && state != null && state.lastVersion() != null) {
            long older = Math.max(0, state.lastVersion() - 1 - random.nextInt(3));
            upsert(id, state, older, randomText(), newRev());
        } else if (dice < 55 && state != null && state.text() != null) {
            // A re-send of the same content, half of the time with new metadata.
            long same = state.lastVersion() == null ? -1 : state.lastVersion();
            upsert(id, state, same, state.text(), random.nextBoolean() ? state.rev() : newRev());
        } else if (dice < 63) {
            delete(id, state);
        } else if (dice < 66) {
            upsert(id, state, newVersion(state), noTokenText(), newRev());
        } else {
            mutation(id);
        }
    }

    private long newVersion(State state) {
        if (random.nextInt(10) == 0) {
            return -1;
        }
        long last = state == null || state.lastVersion() == null ? 0 : state.lastVersion();
        return last + random.nextInt(3);
    }

    private int newRev() {
        return ++revs;
    }

    private void upsert(String id, State state, long version, String text, int rev) {
        String title = random.nextInt(4) == 0 ? null : "T" + rev % 5;
        if (state != null && state.text() != null && text.equals(state.text())) {
            title = state.title();
        }
        ObjectNode doc = JSON.createObjectNode().put("id", id).put("text", text);
        if (title != null) {
            doc.put("title", title);
        }
        if (version >= 0) {
            doc.put("version", version);
        }
        doc.set("metadata", metadata(rev));
        // An unpaired surrogate never gets past validation (it broke the tokenizer's offsets).
        add(
                null,
                doc.toString(),
                text.contains(LONE_SURROGATE)
                        ? Outcome.DEAD_LETTER_VALIDATE
                        : expectUpsert(id, state, version, title, text, rev));
    }

    private Outcome expectUpsert(
            String id, State state, long version, String title, String text, int rev) {
        if (isStale(state, version)) {
            return Outcome.STALE_DROP;
        }
        Long last =
                version >= 0 ? Long.valueOf(version) : state == null ? null : state.lastVersion();
        boolean sameContent =
                state != null && text.equals(state.text()) && Objects.equals(title, state.title());
        states.put(id, new State(last, title, text, rev));
        if (sameContent && state.rev() == rev) {
            return Outcome.UNCHANGED_DROP;
        }
        Live before = live.get(id);
        if (sameContent) {
            // Only the payload changes, on whatever points the document has.
            if (before != null) {
                live.put(
                        id,
                        new Live(
                                before.title(),
                                before.text(),
                                version >= 0 ? version : before.version(),
                                rev));
            }
            return Outcome.PAYLOAD_UPDATE;
        }
        if (noTokens(text)) {
            // The gate remembers the content, the chunker has nothing to cut: the previous
            // version's points stay.
            return Outcome.DEAD_LETTER_CHUNK;
        }
        live.put(id, new Live(title, text, version, rev));
        return Outcome.INDEXED;
    }

    private static boolean isStale(State state, long version) {
        return version >= 0
                && state != null
                && state.lastVersion() != null
                && version < state.lastVersion();
    }

    private void delete(String id, State state) {
        boolean tombstone = random.nextBoolean();
        long version = tombstone ? -1 : newVersion(state);
        Outcome outcome;
        if (isStale(state, version)) {
            outcome = Outcome.STALE_DROP;
        } else {
            Long last =
                    version >= 0
                            ? Long.valueOf(version)
                            : state == null ? null : state.lastVersion();
            states.put(id, new State(last, null, null, -1));
            live.remove(id);
            outcome = Outcome.DELETE;
        }
        if (tombstone) {
            add(id.getBytes(StandardCharsets.UTF_8), null, outcome);
        } else {
            ObjectNode doc = JSON.createObjectNode().put("id", id).put("op", "delete");
            if (version >= 0) {
                doc.put("version", version);
            }
            add(null, doc.toString(), outcome);
        }
    }

    /** Records that break the contract or what Qdrant can store: each must be dead-lettered. */
    private void mutation(String id) {
        String valid =
                JSON.createObjectNode()
                        .put("id", id)
                        .put("text", randomText())
                        .set("metadata", metadata(newRev()))
                        .toString();
        Outcome dead = Outcome.DEAD_LETTER_VALIDATE;
        switch (random.nextInt(14)) {
            case 0 -> add(null, valid.substring(0, random.nextInt(valid.length() - 1)), dead);
            case 1 -> add(null, "{\"text\": \"no id here\"}", dead);
            case 2 ->
                    add(null, "{\"id\": \"" + id + "\", \"text\": " + random.nextInt() + "}", dead);
            case 3 -> add(null, "{\"id\": \"" + id + "\", \"text\": \" \\t\\u2003 \"}", dead);
            case 4 ->
                    add(null, "{\"id\": \"" + id + "\", \"text\": \"x\", \"metadata\": [1]}", dead);
            case 5 -> add(null, "{\"id\": \"" + id + "\", \"text\": \"x\", \"version\": -3}", dead);
            case 6 ->
                    add(null, "{\"id\": \"" + id + "\", \"text\": \"x\", \"op\": \"merge\"}", dead);
            case 7 -> addBytes(null, withInvalidUtf8(valid), dead);
            case 8 -> add(null, oversized(id), dead);
            case 9 -> add(null, deep(id, 33 + random.nextInt(20)), dead);
            case 10 ->
                    add(
                            null,
                            "{\"id\": \""
                                    + id
                                    + "\", \"text\": \"x\", \"metadata\": {\"n\": 1e"
                                    + (309 + random.nextInt(500))
                                    + "}}",
                            dead);
            case 11 -> add(null, null, dead);
            case 12 -> add(null, "[\"" + id + "\"]", dead);
            default -> add(null, "{\"id\": \"\", \"text\": \"empty id\"}", dead);
        }
    }

    private String oversized(String id) {
        return JSON.createObjectNode()
                .put("id", id)
                .put("text", "big ".repeat(maxDocumentBytes / 4 + 1 + random.nextInt(1000)))
                .toString();
    }

    private static String deep(String id, int depth) {
        return "{\"id\": \""
                + id
                + "\", \"text\": \"deep\", \"metadata\": "
                + "{\"k\": ".repeat(depth - 1)
                + "{}"
                + "}".repeat(depth - 1)
                + "}";
    }

    private byte[] withInvalidUtf8(String valid) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length + 1];
        int at = 1 + random.nextInt(bytes.length - 1);
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = (byte) (random.nextBoolean() ? 0xFF : 0xC3);
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        if ((out[at] & 0xFF) == 0xC3 && (out[at + 1] & 0xC0) == 0x80) {
            out[at] = (byte) 0xFF;
        }
        return out;
    }

    /**
     * Metadata that Qdrant stores: odd keys and values, moderate nesting, a revision tag; the same
     * for the same revision, so a re-send with an old revision is unchanged.
     */
    private ObjectNode metadata(int rev) {
        return metadataByRev.computeIfAbsent(rev, this::newMetadata);
    }

    private ObjectNode newMetadata(int rev) {
        ObjectNode m = JSON.createObjectNode().put("rev", rev);
        switch (random.nextInt(6)) {
            case 0 -> m.put("k".repeat(1 + random.nextInt(5_000)), "long key");
            case 1 -> m.put("nul\u0000key", "nul\u0000value \ud800 lone");
            case 2 -> m.put("big", new java.math.BigInteger("123456789012345678901234567890"));
            case 3 -> {
                ObjectNode inner = m;
                for (int i = 1; i < 32; i++) {
                    inner = inner.putObject("n");
                }
            }
            case 4 -> m.put("huge", 1.7e308).put("tiny", 4.9e-324);
            default -> m.putArray("tags").add("\u202eRTL").add("e\u0301").add("\ud83d\ude80");
        }
        return m;
    }

    private static final String LONE_SURROGATE = "@LONE@";

    private static final String[] ALPHABETS = {
        "abcdefghijklmnopqrstuvwxyz", "\u00e9\u00e8\u00fc\u00df\u00f1", "\u4e2d\u6587\u5b57",
        "\u0430\u0431\u0432\u0433", "\u05d0\u05d1\u05d2", "\ud83d\ude00\ud83d\ude80",
        "\u0000\u0007\u200b", "\ud800\udfff"
    };

    /** 3-20 words, the first plain ASCII so there is always a token; under 200 characters. */
    private String randomText() {
        StringBuilder sb = new StringBuilder("w").append(random.nextInt(1000));
        if (random.nextInt(10) == 0) {
            sb.append(' ').append(LONE_SURROGATE);
        }
        int words = 2 + random.nextInt(18);
        for (int w = 0; w < words; w++) {
            sb.append(' ');
            String alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
            int length = 1 + random.nextInt(6);
            for (int c = 0; c < length; c++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return sb.toString();
    }

    /** Not blank, yet nothing a BERT tokenizer keeps: control characters and combining marks. */
    private String noTokenText() {
        return random.nextBoolean() ? "\u0000\u0007\u0301" : "\u200b\u0001 \u0302";
    }

    private static boolean noTokens(String text) {
        return text.codePoints()
                .allMatch(
                        c ->
                                Character.isWhitespace(c)
                                        || Character.getType(c) == Character.CONTROL
                                        || Character.getType(c) == Character.NON_SPACING_MARK
                                        || c == 0x200b);
    }

    private void add(byte[] key, String value, Outcome outcome) {
        // A JSON escape is the only way to send a lone surrogate (UTF-8 cannot carry one).
        String json = value == null ? null : value.replace(LONE_SURROGATE, "\\ud800");
        addBytes(key, json == null ? null : json.getBytes(StandardCharsets.UTF_8), outcome);
    }

    private void addBytes(byte[] key, byte[] value, Outcome outcome) {
        inputs.add(new Input(key, value));
        outcomes.add(outcome);
    }
}
