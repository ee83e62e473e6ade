package io.fhs.jobs.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.kafka.KafkaRecord;
import io.fhs.connectors.qdrant.SearchRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParserTest {
    final QueryParser parser = new QueryParser(10, SearchRequest.Mode.HYBRID, false);

    static KafkaRecord record(String value) {
        return new KafkaRecord(
                "q", 0, 7, 0L, null, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void defaultsApplyAndGivenFieldsWin() throws Exception {
        Query q = parser.parse(record("{\"query_id\": \"a\", \"text\": \"compilers\"}"));
        assertThat(q.topK()).isEqualTo(10);
        assertThat(q.mode()).isEqualTo(SearchRequest.Mode.HYBRID);
        assertThat(q.rerank()).isFalse();
        assertThat(q.filter()).isEmpty();
        Query r =
                parser.parse(
                        record(
                                "{\"query_id\": \"b\", \"text\": \"x\", \"top_k\": 3, \"mode\":"
                                        + " \"dense\", \"rerank\": true, \"filter\": {\"lang\":"
                                        + " \"en\", \"year\": 1974}}"));
        assertThat(r.topK()).isEqualTo(3);
        assertThat(r.mode()).isEqualTo(SearchRequest.Mode.DENSE);
        assertThat(r.rerank()).isTrue();
        assertThat(r.filter())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry("lang", "en"),
                        org.assertj.core.api.Assertions.entry("year", "1974"));
    }

    @Test
    void everyViolationNamesTheFieldAndWhatWasExpected() {
        Map<String, String> cases =
                Map.of(
                        "{\"text\": \"x\"}", "query_id: expected a non-empty string",
                        "{\"query_id\": \"a\"}", "text: expected a non-empty string, got nothing",
                        "{\"query_id\": \"a\", \"text\": 5}",
                                "text: expected a non-empty string, got 5",
                        "{\"query_id\": \"a\", \"text\": \"x\", \"top_k\": 0}",
                                "top_k: expected an integer from 1 to 1000, got 0",
                        "{\"query_id\": \"a\", \"text\": \"x\", \"mode\": \"fuzzy\"}",
                                "mode: expected dense, sparse or hybrid, got \"fuzzy\"",
                        "{\"query_id\": \"a\", \"text\": \"x\", \"rerank\": \"yes\"}",
                                "rerank: expected true or false, got \"yes\"",
                        "{\"query_id\": \"a\", \"text\": \"x\", \"filter\": [1]}",
                                "filter: expected an object of field: value, got [1]",
                        "{\"query_id\": \"a\", \"text\": \"x\", \"filter\": {\"k\": {}}}",
                                "filter.k: expected a string, number or boolean, got {}",
                        "[1, 2]", "expected a JSON object");
        cases.forEach(
                (json, message) ->
                        assertThatThrownBy(() -> parser.parse(record(json)))
                                .as(json)
                                .hasMessage(message));
        assertThatThrownBy(() -> parser.parse(record("{not json")))
                .hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> parser.parse(record(null))).hasMessageContaining("empty record");
    }

    @Test
    void anInvalidQueryKeepsItsIdForTheErrorResult() {
        try {
            parser.parse(record("{\"query_id\": \"q9\", \"text\": \"\"}"));
        } catch (QueryParser.Invalid e) {
            assertThat(e.queryId()).isEqualTo("q9");
            QueryResult r = QueryWork.invalid(e.queryId(), e.getMessage()).result();
            assertThat(r.toJson())
                    .startsWith("{\"query_id\":\"q9\",\"hits\":[],\"timings_ms\":{\"encode\":0,")
                    .endsWith(",\"error\":\"text: expected a non-empty string, got \\\"\\\"\"}");
            return;
        }
        throw new AssertionError("expected Invalid");
    }

    @Test
    void resultsSerializeTheContract() {
        QueryResult r =
                new QueryResult(
                        "q1",
                        List.of(
                                new QueryResult.Hit(
                                        "D1",
                                        2,
                                        0.5f,
                                        0.75f,
                                        null,
                                        0.25f,
                                        "T",
                                        "body",
                                        Map.of("a", 1))),
                        new java.util.LinkedHashMap<>(Map.of("total", 3L)),
                        null);
        assertThat(r.toJson())
                .isEqualTo(
                        "{\"query_id\":\"q1\",\"hits\":[{\"doc_id\":\"D1\",\"chunk\":2,\"score\":0.5,"
                                + "\"dense_score\":0.75,\"rerank_score\":0.25,\"title\":\"T\",\"text\":\"body\",\"metadata\":{\"a\":1}}],"
                                + "\"timings_ms\":{\"total\":3}}");
    }
}
