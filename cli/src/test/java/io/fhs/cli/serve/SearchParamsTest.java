package io.fhs.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.query.Query;
import io.fhs.jobs.query.QueryParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchParamsTest {
    private static final QueryParser PARSER = new QueryParser(10, SearchRequest.Mode.HYBRID, false);

    @Test
    void decodesFormEncodingAndRefusesMalformedOrRepeatedParameters() {
        assertThat(SearchParams.decode("q=time+sharing%3F&top_k=&flag"))
                .containsExactly(
                        Map.entry("q", "time sharing?"),
                        Map.entry("top_k", ""),
                        Map.entry("flag", ""));
        assertThat(SearchParams.decode(null)).isEmpty();
        assertThatThrownBy(() -> SearchParams.decode("q=%zz"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("malformed query string")
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
        assertThatThrownBy(() -> SearchParams.decode("q=a&q=b"))
                .hasMessage("q: given more than once");
    }

    @Test
    void parametersBecomeAQueryWithTheParsersDefaults() {
        Query q = SearchParams.query(PARSER, Map.of("q", "  parallel sort "), null, "h1");
        assertThat(q.queryId()).isEqualTo("h1");
        assertThat(q.text()).isEqualTo("parallel sort");
        assertThat(q.topK()).isEqualTo(10);
        assertThat(q.mode()).isEqualTo(SearchRequest.Mode.HYBRID);
        assertThat(q.rerank()).isFalse();

        Query given =
                SearchParams.query(
                        PARSER,
                        Map.of("q", "x", "top_k", "3", "mode", "Sparse", "rerank", "TRUE"),
                        null,
                        "h2");
        assertThat(given.topK()).isEqualTo(3);
        assertThat(given.mode()).isEqualTo(SearchRequest.Mode.SPARSE);
        assertThat(given.rerank()).isTrue();
        // An empty value is the default; a mode passed in wins over the parameter.
        Query forced =
                SearchParams.query(
                        PARSER,
                        Map.of("q", "x", "top_k", "", "mode", "sparse"),
                        SearchRequest.Mode.DENSE,
                        "h3");
        assertThat(forced.topK()).isEqualTo(10);
        assertThat(forced.mode()).isEqualTo(SearchRequest.Mode.DENSE);
    }

    @Test
    void badValuesGetTheQueryContractsMessages() {
        assertThatThrownBy(
                        () ->
                                SearchParams.query(
                                        PARSER, Map.of("q", "x", "top_k", "-1"), null, "h"))
                .hasMessage("top_k: expected an integer from 1 to 1000, got -1");
        assertThatThrownBy(
                        () -> SearchParams.query(PARSER, Map.of("q", "x".repeat(1001)), null, "h"))
                .hasMessage("q: expected at most 1000 characters, got 1001");
        assertThatThrownBy(() -> SearchParams.allowOnly(Map.of("k", "1"), SearchApi.COMPARE_PARAMS))
                .hasMessageStartingWith("k: unknown parameter (expected ");
        assertThat(SearchApi.status("search deadline of 5000 ms exceeded after 7 attempt(s)"))
                .isEqualTo(503);
        assertThat(SearchApi.status("mode: sparse needs a sparse model, and model.sparse is none"))
                .isEqualTo(400);
        assertThat(SearchApi.status("encode failed: out of memory")).isEqualTo(500);
    }
}
