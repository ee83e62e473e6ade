package io.fhs.jobs.query;

import io.fhs.connectors.qdrant.ReadConsistency;
import io.fhs.connectors.qdrant.SearchRequest;
import io.fhs.jobs.config.ConfigException;
import io.fhs.jobs.options.KafkaOptions;
import io.fhs.jobs.options.ModelOptions;
import io.fhs.jobs.options.OptionChecks;
import io.fhs.jobs.options.QdrantOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Options of the query side alone ({@code query.*}); {@code conf/query.yaml} sets them. Kafka,
 * Qdrant and model keys are shared with the ingest job through {@link KafkaOptions}, {@link
 * QdrantOptions} and {@link ModelOptions}, so both read one collection the same way.
 */
@PublicEvolving
public final class QueryOptions {
    private QueryOptions() {}

    public static final ConfigOption<String> TOPIC =
            ConfigOptions.key("query.topic")
                    .stringType()
                    .defaultValue("queries")
                    .withDescription("Kafka topic the queries arrive on.");
    public static final ConfigOption<String> RESULTS_TOPIC =
            ConfigOptions.key("query.results-topic")
                    .stringType()
                    .defaultValue("query-results")
                    .withDescription("Kafka topic the results go to, keyed by query_id.");
    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("query.group-id")
                    .stringType()
                    .defaultValue("fhs-query")
                    .withDescription("Kafka consumer group of the query job.");
    public static final ConfigOption<Boolean> FROM_EARLIEST =
            ConfigOptions.key("query.from-earliest")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Without committed offsets, answer the topic from its start rather"
                                    + " than only queries that arrive after the job starts.");
    public static final ConfigOption<Integer> TOP_K =
            ConfigOptions.key("query.top-k")
                    .intType()
                    .defaultValue(10)
                    .withDescription("Hits per query when the query gives no top_k.");
    public static final ConfigOption<SearchRequest.Mode> MODE =
            ConfigOptions.key("query.mode")
                    .enumType(SearchRequest.Mode.class)
                    .defaultValue(SearchRequest.Mode.HYBRID)
                    .withDescription("DENSE, SPARSE or HYBRID when the query gives no mode.");
    public static final ConfigOption<Integer> CANDIDATES =
            ConfigOptions.key("query.candidates")
                    .intType()
                    .defaultValue(100)
                    .withDescription("Prefetch depth per vector for hybrid fusion.");
    public static final ConfigOption<SearchRequest.Fusion> FUSION =
            ConfigOptions.key("query.fusion")
                    .enumType(SearchRequest.Fusion.class)
                    .defaultValue(SearchRequest.Fusion.RRF)
                    .withDescription("Hybrid fusion: RRF or DBSF.");
    public static final ConfigOption<Integer> RRF_K =
            ConfigOptions.key("query.rrf-k")
                    .intType()
                    .defaultValue(SearchRequest.DEFAULT_RRF_K)
                    .withDescription(
                            "RRF constant, ranks counted from 1 (score = sum 1/(k + rank)).");
    public static final ConfigOption<Double> DENSE_WEIGHT =
            ConfigOptions.key("query.dense-weight")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "Weight of the dense list in hybrid RRF; weights other than 1 and 1"
                                    + " fuse on the client (two searches), as Qdrant's RRF has none.");
    public static final ConfigOption<Double> SPARSE_WEIGHT =
            ConfigOptions.key("query.sparse-weight")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription("Weight of the sparse list in hybrid RRF.");
    public static final ConfigOption<Boolean> CLIENT_FUSION =
            ConfigOptions.key("query.client-fusion")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Fuse hybrid RRF on the client from a dense and a sparse search even"
                                    + " with weights 1 and 1: repeatable, where Qdrant's fusion"
                                    + " orders equal scores differently from run to run.");
    public static final ConfigOption<Double> MMR_DIVERSITY =
            ConfigOptions.key("query.mmr.diversity")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "Rank dense searches by maximal marginal relevance (Qdrant's MMR):"
                                    + " from 0 (relevance alone) to 1 (diversity alone), so that"
                                    + " near-identical hits do not fill the list. Unset: off."
                                    + " Hybrid and sparse searches do not apply it (Qdrant ignores"
                                    + " MMR inside the prefetches of a fusion).");
    public static final ConfigOption<Integer> MMR_CANDIDATES =
            ConfigOptions.key("query.mmr.candidates")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Nearest chunks MMR chooses from (at least the chunks a search asks"
                                    + " for).");
    public static final ConfigOption<Integer> MATRYOSHKA_CANDIDATES =
            ConfigOptions.key("query.matryoshka.candidates")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Two-stage dense search on a collection with a Matryoshka prefix"
                                    + " vector (qdrant.matryoshka-dim): this many candidates by the"
                                    + " small vector, rescored by the full one. Unset: one stage.");
    public static final ConfigOption<Boolean> EXACT =
            ConfigOptions.key("query.exact")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Search dense vectors exhaustively rather than through the HNSW"
                                    + " index: slow, for evaluation and checks.");
    public static final ConfigOption<Boolean> COLLAPSE =
            ConfigOptions.key("query.collapse-documents")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("One hit per document, its best chunk.");
    public static final ConfigOption<Boolean> COLLAPSE_DUPLICATES =
            ConfigOptions.key("query.collapse-duplicates")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Leave out chunks the ingest job marked as near-duplicates of an"
                                    + " earlier chunk (payload duplicate_of, written with"
                                    + " ingest.duplicates.threshold): Qdrant filters them out in"
                                    + " dense, sparse, hybrid and grouped searches alike, so the"
                                    + " original stands for them.");
    public static final ConfigOption<Integer> GROUP_SIZE =
            ConfigOptions.key("query.group-size")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Chunks Qdrant returns per document when it collapses chunks to"
                                    + " documents (query groups by doc_id); the best one is the"
                                    + " hit, and what the reranker reads.");
    public static final ConfigOption<Boolean> RETURN_TEXT =
            ConfigOptions.key("query.return-text")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Return each hit's chunk text (reranking needs it).");
    public static final ConfigOption<Boolean> RERANK =
            ConfigOptions.key("query.rerank")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Rerank when the query does not say.");
    public static final ConfigOption<Integer> RERANK_TOP_N =
            ConfigOptions.key("query.rerank-top-n")
                    .intType()
                    .defaultValue(20)
                    .withDescription("Candidates the cross-encoder scores per query.");
    public static final ConfigOption<Duration> DEADLINE =
            ConfigOptions.key("query.deadline")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How long a search may take with its retries before the query gets an"
                                    + " error result.");
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("query.batch-size")
                    .intType()
                    .defaultValue(16)
                    .withDescription("Queries per encoder (and reranker) call.");
    public static final ConfigOption<Integer> ENCODE_THREADS =
            ConfigOptions.key("query.encode.threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "ONNX Runtime intra-op threads of the query encoders, 0 for all cores."
                                    + " A batch of short queries is too small to split: one thread"
                                    + " answers sooner and leaves the other cores to Kafka, Qdrant"
                                    + " and the job.");
    public static final ConfigOption<Integer> RERANK_THREADS =
            ConfigOptions.key("query.rerank.threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "ONNX Runtime intra-op threads of the cross-encoder, 0 for all cores;"
                                    + " more help a large cross-encoder's lone batch and cost"
                                    + " throughput once other work needs the cores.");
    public static final ConfigOption<Integer> ENCODE_WORKERS =
            ConfigOptions.key("query.encode.workers")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Query batches encoded at once per subtask; with query.encode.threads"
                                    + " 1, a burst can use as many cores as there are workers"
                                    + " while a lone query still runs on one.");
    public static final ConfigOption<Duration> MAX_WAIT =
            ConfigOptions.key("query.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(2))
                    .withDescription("Longest a query waits for its batch to fill.");
    public static final ConfigOption<Integer> CAPACITY =
            ConfigOptions.key("query.capacity")
                    .intType()
                    .defaultValue(64)
                    .withDescription("Queries in flight per async operator (backpressure beyond).");
    public static final ConfigOption<String> READ_CONSISTENCY =
            ConfigOptions.key("query.read-consistency")
                    .stringType()
                    .defaultValue("1")
                    .withDescription(
                            "Replicas of each shard a search asks in a replicated collection:"
                                    + " a number N (keep hits all N return; 1, Qdrant's default,"
                                    + " answers from any one), majority, quorum or all. Higher"
                                    + " reads see acknowledged writes on more replicas, and fail"
                                    + " when fewer replicas are up.");
    public static final ConfigOption<Integer> CACHE_SIZE =
            ConfigOptions.key("query.cache-size")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Query texts whose encodings each encoder keeps, most recently used"
                                    + " first, so a repeated query skips the encoder (about 2 KB"
                                    + " each for a 384-dimension model); 0 turns the cache off.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("query.checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoints commit the query topic's offsets and flush the results.");

    /** The configured MMR of dense searches, or null when {@link #MMR_DIVERSITY} is unset. */
    public static SearchRequest.Mmr mmr(Configuration c) {
        return c.getOptional(MMR_DIVERSITY)
                .map(d -> new SearchRequest.Mmr(d, c.get(MMR_CANDIDATES)))
                .orElse(null);
    }

    /** The parsed {@link #READ_CONSISTENCY}. */
    public static ReadConsistency readConsistency(Configuration c) {
        try {
            return ReadConsistency.parse(c.get(READ_CONSISTENCY));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(READ_CONSISTENCY.key() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks everything the query side reads, early, naming the option and why: its own keys and
     * those of the concerns it shares with the ingest job.
     */
    public static void sanityCheck(Configuration c) {
        KafkaOptions.sanityCheck(c);
        QdrantOptions.sanityCheck(c);
        ModelOptions.sanityCheck(c);
        for (ConfigOption<Integer> o :
                List.of(TOP_K, CANDIDATES, RRF_K, RERANK_TOP_N, BATCH_SIZE, CAPACITY, GROUP_SIZE)) {
            OptionChecks.positive(c, o);
        }
        OptionChecks.positiveDuration(c, DEADLINE);
        OptionChecks.positive(c, MMR_CANDIDATES);
        c.getOptional(MMR_DIVERSITY)
                .ifPresent(
                        d -> {
                            if (!(d >= 0 && d <= 1)) {
                                throw new ConfigException(
                                        MMR_DIVERSITY.key()
                                                + " must be from 0 (relevance only) to 1"
                                                + " (diversity only), got "
                                                + d);
                            }
                        });
        if (c.getOptional(MATRYOSHKA_CANDIDATES).isPresent()) {
            OptionChecks.positive(c, MATRYOSHKA_CANDIDATES);
        }
        OptionChecks.notNegative(c, MAX_WAIT);
        OptionChecks.atLeast(c, ENCODE_THREADS, 0);
        OptionChecks.atLeast(c, RERANK_THREADS, 0);
        OptionChecks.positive(c, ENCODE_WORKERS);
        OptionChecks.holdsFullBatches(c, CAPACITY, ENCODE_WORKERS, BATCH_SIZE, "queries");
        if (c.get(CACHE_SIZE) < 0) {
            throw new ConfigException(
                    CACHE_SIZE.key() + " must be >= 0 (0 turns it off), got " + c.get(CACHE_SIZE));
        }
        OptionChecks.positiveDuration(c, CHECKPOINT_INTERVAL);
        for (ConfigOption<Double> w : List.of(DENSE_WEIGHT, SPARSE_WEIGHT)) {
            if (!(c.get(w) >= 0) || Double.isInfinite(c.get(w))) {
                throw new ConfigException(
                        w.key() + " must be a finite weight >= 0, got " + c.get(w));
            }
        }
        if ((c.get(DENSE_WEIGHT) != 1.0 || c.get(SPARSE_WEIGHT) != 1.0)
                && c.get(FUSION) != SearchRequest.Fusion.RRF) {
            throw new ConfigException(
                    "query.dense-weight and query.sparse-weight weigh RRF; query.fusion is "
                            + c.get(FUSION));
        }
        if (c.get(CLIENT_FUSION) && c.get(FUSION) != SearchRequest.Fusion.RRF) {
            throw new ConfigException(
                    CLIENT_FUSION.key() + " fuses by RRF; query.fusion is " + c.get(FUSION));
        }
        readConsistency(c);
        if (c.get(RERANK) && c.getOptional(ModelOptions.RERANK).isEmpty()) {
            throw new ConfigException(
                    RERANK.key()
                            + " is true but "
                            + ModelOptions.RERANK.key()
                            + " names no cross-encoder");
        }
    }
}
