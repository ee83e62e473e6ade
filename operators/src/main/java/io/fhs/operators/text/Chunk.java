package io.fhs.operators.text;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A piece of a document: its number, its text, and where that text lies in the original ({@code
 * [start, end)} in Java chars, so {@code text.equals(original.substring(start, end))}).
 */
@PublicEvolving
public record Chunk(int index, String text, int start, int end) {}
