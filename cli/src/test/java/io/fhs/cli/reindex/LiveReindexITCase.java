package io.fhs.cli.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.cli.progress.ProgressLine;
import io.fhs.connectors.qdrant.CollectionAliases;
import io.fhs.connectors.qdrant.CollectionBootstrap;
import io.fhs.connectors.qdrant.CollectionSpec;
import io.fhs.connectors.testing.QdrantServer;
import io.fhs.jobs.collection.ReindexMarker;
import io.fhs.jobs.ingest.CollectionLayout;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.QdrantOptions;
import io.fhs.jobs.testing.PipelineExtension;
import io.qdrant.client.QdrantClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link LiveReindex} decides before it copies anything (a real Qdrant, no Kafka): a plain
 * collection is refused, an alias already on the models is left alone, and a reindex into other
 * models while one is pending is refused, naming the marker.
 */
class LiveReindexITCase {
    @RegisterExtension
    static final PipelineExtension PIPELINE =
            PipelineExtension.builder().withoutMiniCluster().withoutKafka().build();

    static final QdrantServer QDRANT = PIPELINE.qdrant();

    private static Configuration conf(String alias, String model) {
        Configuration c = new Configuration();
        c.set(QdrantOptions.URL, QDRANT.url());
        c.set(QdrantOptions.COLLECTION, alias);
        c.set(ModelOptions.DENSE, model);
        return c;
    }

    private static LiveReindex reindex(Configuration wanted, StringWriter out) {
        return new LiveReindex(
                wanted,
                false,
                1,
                new PrintWriter(out),
                new PrintWriter(new StringWriter()),
                n -> ProgressLine.off());
    }

    @Test
    void aPlainCollectionIsRefused() {
        try (QdrantClient client = QDRANT.connection().open()) {
            CollectionBootstrap.ensure(client, CollectionSpec.hybrid("plain", 384, true));
        }
        assertThatThrownBy(
                        () -> reindex(conf("plain", "bge-small-en-v1.5"), new StringWriter()).run())
                .isInstanceOf(ReindexException.class)
                .hasMessageStartingWith("qdrant.collection plain is no alias");
    }

    @Test
    void anAliasAlreadyOnTheModelsIsLeftAlone() throws Exception {
        Configuration wanted = conf("same", "bge-small-en-v1.5");
        CollectionLayout.prepare(wanted);
        StringWriter out = new StringWriter();
        LiveReindex.Result r = reindex(wanted, out).run();
        assertThat(r.passes()).isZero();
        assertThat(r.to()).isEqualTo(r.from()).startsWith("same-bge-small-en-v1.5-");
        assertThat(out.toString()).contains("Alias same already points at " + r.to());
    }

    @Test
    void anotherPendingReindexIsRefused() {
        CollectionLayout.prepare(conf("busy", "all-MiniLM-L6-v2"));
        try (QdrantClient client = QDRANT.connection().open()) {
            String from = CollectionAliases.resolve(client, "busy").orElseThrow();
            ReindexMarker.set(client, from, "busy-other");
            assertThatThrownBy(
                            () ->
                                    reindex(conf("busy", "bge-small-en-v1.5"), new StringWriter())
                                            .run())
                    .isInstanceOf(ReindexException.class)
                    .hasMessageContaining("is being reindexed into busy-other")
                    .hasMessageContaining(ReindexMarker.METADATA_KEY);
            ReindexMarker.clear(client, from);
            assertThat(ReindexMarker.target(client, from)).isEmpty();
        }
    }
}
