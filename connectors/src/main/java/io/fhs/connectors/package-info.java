/**
 * Connectors: the Qdrant sink and search client, Kafka serialization and dead letters. The module
 * depends on no encoder or model code ({@code fhs-operators}): callers convert their vectors to the
 * connectors' own types ({@link io.fhs.connectors.qdrant.SparseValues}) at their boundary.
 */
package io.fhs.connectors;
