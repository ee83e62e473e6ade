-- The ingest job in Flink SQL: a Kafka topic of documents ({"id", "text", "title"?, "version"?},
-- keyed by the document id, a tombstone deletes) chunked as the ingest job chunks, encoded dense
-- and BM25 by the onnx model provider, written into the Qdrant collection the ingest job would
-- make (same point ids, vectors and payload keys: doc_id, chunk, start, end, chunk_count, text,
-- title, version).
--
-- Variables: ${topic}, ${bootstrap-servers}, ${group-id}, ${qdrant-url}, ${collection},
-- ${dense-model} (a bundled name or a model directory), ${bm25-avg-len}.
--
-- ML_PREDICT takes insert-only input only, so the topic is read twice in one statement set: as
-- an append-only stream of the documents (tombstones are skipped there) for the upserts, and as
-- an upsert-kafka changelog whose deletions alone reach a DELETES_ONLY table of the same
-- collection. The two reads are not ordered with each other: a document deleted while its
-- upsert is still being encoded can come back; re-send the tombstone after the upsert is written.

CREATE TEMPORARY FUNCTION FHS_CHUNKS AS 'io.fhs.jobs.sql.ChunksFunction';

CREATE TEMPORARY MODEL dense_encoder
INPUT (encode_text STRING)
OUTPUT (embedding ARRAY<FLOAT>)
WITH ('provider' = 'onnx', 'model' = '${dense-model}', 'role' = 'document');

CREATE TEMPORARY MODEL bm25_encoder
INPUT (sparse_text STRING)
OUTPUT (terms MAP<INT, FLOAT>)
WITH ('provider' = 'onnx', 'kind' = 'sparse', 'model' = 'bm25', 'bm25.avg-len' = '${bm25-avg-len}');

CREATE TEMPORARY TABLE document_records (
  doc_id STRING,
  body STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic}',
  'properties.bootstrap.servers' = '${bootstrap-servers}',
  'properties.group.id' = '${group-id}',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'key.format' = 'raw',
  'key.fields' = 'doc_id',
  'value.format' = 'raw',
  'value.fields-include' = 'EXCEPT_KEY'
);

CREATE TEMPORARY TABLE document_changelog (
  doc_id STRING,
  body STRING,
  PRIMARY KEY (doc_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${topic}',
  'properties.bootstrap.servers' = '${bootstrap-servers}',
  'properties.group.id' = '${group-id}-deletes',
  'key.format' = 'raw',
  'value.format' = 'raw',
  'value.fields-include' = 'EXCEPT_KEY'
);

CREATE TEMPORARY TABLE points (
  doc_id STRING,
  chunk INT,
  dense ARRAY<FLOAT>,
  sparse MAP<INT, FLOAT>,
  title STRING,
  text STRING,
  `start` INT,
  `end` INT,
  chunk_count INT,
  version BIGINT,
  PRIMARY KEY (doc_id, chunk) NOT ENFORCED
) WITH (
  'connector' = 'qdrant',
  'url' = '${qdrant-url}',
  'collection' = '${collection}',
  'sink.dense-model' = '${dense-model}',
  'sink.dense-column' = 'dense',
  'sink.sparse-column' = 'sparse',
  'sink.sparse-model' = 'bm25',
  'sink.chunk-column' = 'chunk'
);

CREATE TEMPORARY TABLE point_deletions (
  doc_id STRING,
  PRIMARY KEY (doc_id) NOT ENFORCED
) WITH (
  'connector' = 'qdrant',
  'url' = '${qdrant-url}',
  'collection' = '${collection}',
  'sink.changelog' = 'DELETES_ONLY'
);

CREATE TEMPORARY VIEW documents AS
SELECT
  doc_id,
  JSON_VALUE(body, '$.title') AS title,
  JSON_VALUE(body, '$.text') AS text,
  CAST(JSON_VALUE(body, '$.version') AS BIGINT) AS version
FROM document_records;

-- What the encoders see, as the ingest job: the title (if any), a space, the chunk; BM25 counts
-- whole documents, so chunk 0 carries the document's terms and the other chunks none.
CREATE TEMPORARY VIEW chunks AS
SELECT
  d.doc_id,
  c.chunk,
  d.title,
  c.chunk_text AS text,
  c.start_offset,
  c.end_offset,
  c.chunk_count,
  d.version,
  CASE WHEN d.title IS NULL OR TRIM(d.title) = '' THEN c.chunk_text
       ELSE d.title || ' ' || c.chunk_text END AS encode_text,
  CASE WHEN c.chunk > 0 THEN ''
       WHEN d.title IS NULL OR TRIM(d.title) = '' THEN d.text
       ELSE d.title || ' ' || d.text END AS sparse_text
FROM documents AS d, LATERAL TABLE(FHS_CHUNKS(d.text, '${dense-model}')) AS c;

CREATE TEMPORARY VIEW dense_chunks AS
SELECT * FROM ML_PREDICT(TABLE chunks, MODEL dense_encoder, DESCRIPTOR(encode_text));

CREATE TEMPORARY VIEW encoded_chunks AS
SELECT * FROM ML_PREDICT(TABLE dense_chunks, MODEL bm25_encoder, DESCRIPTOR(sparse_text));

-- One job for both INSERTs (bin/fhs sql and the SQL runner make one statement set of every
-- INSERT anyway; the SQL client needs the block).
BEGIN STATEMENT SET;
INSERT INTO points
SELECT doc_id, chunk, embedding, CASE WHEN chunk = 0 THEN terms END, title, text,
       start_offset, end_offset, chunk_count, version
FROM encoded_chunks;
INSERT INTO point_deletions SELECT doc_id FROM document_changelog;
END;
