package io.fhs.cli.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fhs.cli.bench.IndexAudit;
import io.fhs.jobs.data.TextRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The drill's expected state, checked against a second reading of the records themselves (their
 * JSON, not the generator's bookkeeping) over many generated streams and every prefix of them.
 */
class DrillStreamTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<TextRecord> corpus() {
        List<TextRecord> texts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            texts.add(new TextRecord("t" + i, "", "text number " + i + " of the corpus"));
        }
        return texts;
    }

    @Test
    void newestVersionWinsDeletesRemoveAndBadRecordsAreCounted() throws Exception {
        Random seeds = new Random(7);
        for (int run = 0; run < 30; run++) {
            DrillStream stream = DrillStream.generate(corpus(), 40, seeds.nextLong());
            List<DrillStream.Event> events = stream.events();
            for (int n = 0; n <= events.size(); n += 7) {
                assertThat(byId(stream.liveAfter(n))).isEqualTo(reread(events.subList(0, n)));
                assertThat(stream.badRecordsIn(n)).isEqualTo(unparseable(events.subList(0, n)));
            }
        }
    }

    @Test
    void aStreamHoldsEveryKindOfRecordTheDrillIsAbout() throws Exception {
        DrillStream stream = DrillStream.generate(corpus(), 300, 13);
        Map<String, Integer> kinds = new HashMap<>();
        Map<String, Long> newest = new HashMap<>();
        Map<String, String> lastText = new HashMap<>();
        for (DrillStream.Event e : stream.events()) {
            String kind = e.kind().name();
            if (e.kind() == DrillStream.Kind.UPSERT) {
                long top = newest.getOrDefault(e.key(), Long.MIN_VALUE);
                if (e.version() < top) {
                    kind = "STALE";
                } else if (e.version() == top && e.doc().text().equals(lastText.get(e.key()))) {
                    kind = "UNCHANGED";
                }
                lastText.put(e.key(), e.doc().text());
            }
            if (e.kind() != DrillStream.Kind.BAD) {
                newest.merge(e.key(), e.version(), Math::max);
            }
            kinds.merge(kind, 1, Integer::sum);
        }
        assertThat(newest).hasSize(300);
        assertThat(kinds).containsKeys("UPSERT", "DELETE", "BAD", "STALE", "UNCHANGED");
        assertThat(kinds.get("BAD")).isEqualTo(stream.events().size() / 12);
        assertThat(stream.liveAfter(stream.events().size()))
                .hasSizeLessThan(300)
                .hasSizeGreaterThan(150);
    }

    /** The live documents by reading each record's JSON: newest version wins, deletes remove. */
    static Map<String, IndexAudit.Doc> reread(List<DrillStream.Event> events) throws Exception {
        Map<String, IndexAudit.Doc> live = new HashMap<>();
        Map<String, Long> newest = new HashMap<>();
        for (DrillStream.Event e : events) {
            JsonNode node = parse(e.value());
            if (node == null || !node.isObject()) {
                continue;
            }
            String id = node.path("id").asText();
            long version = node.path("version").asLong();
            if (version < newest.getOrDefault(id, Long.MIN_VALUE)) {
                continue;
            }
            newest.put(id, version);
            if ("delete".equals(node.path("op").asText())) {
                live.remove(id);
            } else {
                live.put(
                        id,
                        new IndexAudit.Doc(
                                id,
                                node.path("title").asText(),
                                node.path("text").asText(),
                                version));
            }
        }
        return live;
    }

    static int unparseable(List<DrillStream.Event> events) {
        int bad = 0;
        for (DrillStream.Event e : events) {
            JsonNode node = parse(e.value());
            if (node == null || !node.isObject()) {
                bad++;
            }
        }
        return bad;
    }

    static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (Exception invalid) {
            return null;
        }
    }

    static Map<String, IndexAudit.Doc> byId(Iterable<IndexAudit.Doc> docs) {
        Map<String, IndexAudit.Doc> m = new HashMap<>();
        docs.forEach(d -> m.put(d.id(), d));
        return m;
    }
}
