/**
 * Connectors: the Qdrant sink and search client, Kafka serialization and dead letters. The
 * connector issue fills this module; the encoders it writes come from {@code fhs-operators}.
 */
package io.fhs.connectors;
