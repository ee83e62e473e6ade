-- The query side in Flink SQL: the query topic -> encode (ML_PREDICT) -> VECTOR_SEARCH on the
-- collection the ingest job fills -> rerank (ML_PREDICT, cross-encoder) -> the results topic.
-- It ranks as the query job does: the qdrant table searches through the query job's search stage
-- (hybrid prefetch + RRF, chunks collapsed to documents) on the same options (query.* there,
-- search.* here).
--
-- ${key} are the jobs' option keys (conf/query.yaml), substituted before the statements run.
-- ${query.bounded-mode}: 'unbounded' to serve, 'latest-offset' to answer what is in the topic and
-- stop. ${query.mode}: dense, sparse or hybrid.
--
-- One record per hit, keyed by query_id:
--   {"query_id", "doc_id", "chunk", "score", "rerank_score"}
-- for the ${query.rerank-top-n} candidates the search ranks best; the query job's answer is the
-- ${query.top-k} of them with the highest rerank_score (streaming SQL would need a Top-N with
-- updates to cut them here).

CREATE TABLE query_lines (
    line STRING
) WITH (
    'connector' = 'kafka',
    'topic' = '${query.topic}',
    'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
    'properties.group.id' = '${query.group-id}',
    'scan.startup.mode' = 'group-offsets',
    'properties.auto.offset.reset' = 'earliest',
    'scan.bounded.mode' = '${query.bounded-mode}',
    'format' = 'raw'
);

CREATE TABLE results (
    query_id STRING,
    line STRING
) WITH (
    'connector' = 'kafka',
    'topic' = '${query.results-topic}',
    'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
    'key.format' = 'raw',
    'key.fields' = 'query_id',
    'value.format' = 'raw',
    'value.fields-include' = 'EXCEPT_KEY'
);

CREATE TABLE docs (
    doc_id STRING,
    chunk INT,
    title STRING,
    text STRING,
    vector ARRAY<FLOAT>
) WITH (
    'connector' = 'qdrant',
    'url' = '${qdrant.url}',
    'collection' = '${qdrant.collection}',
    'search.mode' = '${query.mode}'
);

CREATE MODEL dense_encoder
INPUT (text STRING)
OUTPUT (embedding ARRAY<FLOAT>)
WITH ('provider' = 'onnx', 'model' = '${model.dense}', 'role' = 'query');

CREATE MODEL sparse_encoder
INPUT (text STRING)
OUTPUT (terms MAP<INT, FLOAT>)
WITH (
    'provider' = 'onnx',
    'kind' = 'sparse',
    'model' = '${model.sparse}',
    'role' = 'query',
    'bm25.avg-len' = '${model.bm25.avg-len}'
);

CREATE MODEL reranker
INPUT (query STRING, doc STRING)
OUTPUT (rerank_score FLOAT)
WITH ('provider' = 'onnx', 'task' = 'scoring', 'model' = '${model.rerank}');

CREATE FUNCTION FHS_HYBRID_QUERY AS 'io.fhs.jobs.sql.HybridQueryFunction';

CREATE TEMPORARY VIEW queries AS
SELECT JSON_VALUE(line, '$.query_id') AS query_id, JSON_VALUE(line, '$.text') AS query
FROM query_lines;

CREATE TEMPORARY VIEW dense_queries AS
SELECT * FROM ML_PREDICT(TABLE queries, MODEL dense_encoder, DESCRIPTOR(query));

-- The packed query carries both vectors; a dense search reads its dense part.
CREATE TEMPORARY VIEW encoded AS
SELECT query_id, query, FHS_HYBRID_QUERY(embedding, terms) AS packed
FROM ML_PREDICT(TABLE dense_queries, MODEL sparse_encoder, DESCRIPTOR(query));

-- Flink 2.2 plans VECTOR_SEARCH in this form only: SELECT * over the query table and the
-- LATERAL call, no aliases; columns are chosen around it. And not inside a view: the view's
-- expanded text names the LATERAL call by an alias it never declares (Table 'EXPR$1' not found),
-- so the hits are a subquery of the reranking ML_PREDICT.
INSERT INTO results
SELECT
    query_id,
    JSON_OBJECT(
        'query_id' VALUE query_id,
        'doc_id' VALUE doc_id,
        'chunk' VALUE chunk,
        'score' VALUE score,
        'rerank_score' VALUE rerank_score)
FROM ML_PREDICT(
    (SELECT
        query_id,
        query,
        doc_id,
        chunk,
        score,
        -- The cross-encoder reads the title too, as the query job's reranker does.
        CASE WHEN title IS NULL OR TRIM(title) = '' THEN COALESCE(text, '')
             ELSE title || ' ' || COALESCE(text, '') END AS doc
    FROM (
        SELECT * FROM encoded,
            LATERAL TABLE(VECTOR_SEARCH(TABLE docs, DESCRIPTOR(vector), packed,
                ${query.rerank-top-n})))),
    MODEL reranker,
    DESCRIPTOR(query, doc));
