package io.fhs.jobs.options;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.ingest.IngestOptions;
import io.fhs.jobs.query.QueryOptions;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Every concern's sanityCheck names the option and why; the defaults pass them all. */
class SanityCheckTest {
    static Configuration conf(Map<String, String> values) {
        return Configuration.fromMap(values);
    }

    static void fails(Consumer<Configuration> check, Map<String, String> values, String message) {
        assertThatThrownBy(() -> check.accept(conf(values)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void theDefaultsPassEveryCheck() {
        Configuration defaults = new Configuration();
        assertThatNoException()
                .isThrownBy(
                        () -> {
                            IngestOptions.sanityCheck(defaults);
                            QueryOptions.sanityCheck(defaults);
                        });
    }

    @Test
    void kafka() {
        fails(
                KafkaOptions::sanityCheck,
                Map.of("kafka.bootstrap-servers", " "),
                "kafka.bootstrap-servers must not be blank");
        fails(
                KafkaOptions::sanityCheck,
                Map.of("kafka.check-timeout", "0 s"),
                "kafka.check-timeout must be a positive duration, got PT0S");
        assertThatThrownBy(
                        () ->
                                KafkaOptions.sanityCheck(
                                        conf(Map.of("kafka.properties.bootstrap.servers", "x"))))
                .hasMessage(
                        "kafka.properties.bootstrap.servers is not used; set"
                                + " kafka.bootstrap-servers instead");
    }

    @Test
    void qdrant() {
        fails(
                QdrantOptions::sanityCheck,
                Map.of("qdrant.url", "localhost"),
                "qdrant.url: Qdrant URL 'localhost' needs a scheme and host, e.g."
                        + " http://127.0.0.1:6333");
        fails(
                QdrantOptions::sanityCheck,
                Map.of("qdrant.tls.ca-file", "/no/such/ca.pem"),
                "qdrant.tls.ca-file: A CA file (/no/such/ca.pem) needs an https Qdrant URL, got"
                        + " http://127.0.0.1:6334");
        fails(
                QdrantOptions::sanityCheck,
                Map.of("qdrant.hnsw.m", "0"),
                "qdrant.hnsw.m must be >= 1, got 0");
        fails(
                QdrantOptions::sanityCheck,
                Map.of("qdrant.collection", ""),
                "qdrant.collection must not be blank");
        fails(
                QdrantOptions::sanityCheck,
                Map.of("qdrant.shards", "0"),
                "qdrant.shards must be >= 1, got 0");
        fails(
                QdrantOptions::sanityCheck,
                Map.of("qdrant.replication-factor", "2", "qdrant.write-consistency-factor", "3"),
                "qdrant.write-consistency-factor must be <= 2 (no more copies can acknowledge a"
                        + " write than qdrant.replication-factor), got 3");
        Configuration negative = new Configuration();
        // Flink parses no negative duration from text; code can still set one.
        negative.set(QdrantOptions.WRITE_MAX_RETRY_TIME, Duration.ofSeconds(-1));
        assertThatThrownBy(() -> QdrantOptions.sanityCheck(negative))
                .hasMessage("qdrant.write.max-retry-time must not be negative, got PT-1S");
    }

    @Test
    void models() {
        fails(
                ModelOptions::sanityCheck,
                Map.of("model.bm25.avg-len", "0"),
                "model.bm25.avg-len must be > 0, got 0.0");
        fails(
                ModelOptions::sanityCheck,
                Map.of("model.dense", ""),
                "model.dense must not be blank");
    }

    @Test
    void chunks() {
        fails(
                ChunkOptions::sanityCheck,
                Map.of("chunk.overlap-tokens", "-1"),
                "chunk.overlap-tokens must be >= 0, got -1");
    }

    @Test
    void encoding() {
        fails(
                EncodeOptions::sanityCheck,
                Map.of("encode.workers", "0"),
                "encode.workers must be >= 1, got 0");
        fails(
                EncodeOptions::sanityCheck,
                Map.of("encode.threads", "-1"),
                "encode.threads must be >= 0, got -1");
        fails(
                EncodeOptions::sanityCheck,
                Map.of("encode.timeout", "0 s"),
                "encode.timeout must be a positive duration, got PT0S");
    }

    @Test
    void theJobChecksCoverTheConcernsTheyRead() {
        fails(
                IngestOptions::sanityCheck,
                Map.of("qdrant.hnsw.ef-construct", "0"),
                "qdrant.hnsw.ef-construct must be >= 1, got 0");
        fails(
                IngestOptions::sanityCheck,
                Map.of("ingest.dead-letter.max-payload-bytes", "600000"),
                "ingest.dead-letter.max-payload-bytes must be <= 524288 (a letter must fit a"
                        + " broker's default message.max.bytes of 1 MiB), got 600000");
        fails(
                IngestOptions::sanityCheck,
                Map.of("ingest.checkpoint-interval", "0 s"),
                "ingest.checkpoint-interval must be a positive duration, got PT0S");
        fails(
                QueryOptions::sanityCheck,
                Map.of("qdrant.url", "ftp//x"),
                "qdrant.url: Qdrant URL 'ftp//x' needs a scheme and host, e.g."
                        + " http://127.0.0.1:6333");
        fails(
                QueryOptions::sanityCheck,
                Map.of("query.checkpoint-interval", "0 s"),
                "query.checkpoint-interval must be a positive duration, got PT0S");
        fails(
                QueryOptions::sanityCheck,
                Map.of("query.rerank", "true"),
                "query.rerank is true but model.rerank names no cross-encoder");
    }
}
