package io.fhs.cli.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relevance judgments in BEIR's TSV layout ({@code query-id, corpus-id, score}, header optional):
 * query id to document id to grade. Grades above 0 are relevant; higher grades are more relevant
 * (graded NDCG).
 */
public record Qrels(Map<String, Map<String, Integer>> judgments) {

    public static Qrels read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read qrels " + file + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("query-id"))) {
                continue;
            }
            String[] cols = line.split("\t");
            if (cols.length != 3) {
                throw new IllegalArgumentException(
                        file
                                + ":"
                                + (i + 1)
                                + ": expected 3 tab-separated columns (query-id,"
                                + " corpus-id, score), got "
                                + cols.length);
            }
            int grade;
            try {
                grade = Integer.parseInt(cols[2].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        file + ":" + (i + 1) + ": score must be an integer, got '" + cols[2] + "'");
            }
            out.computeIfAbsent(cols[0].strip(), q -> new LinkedHashMap<>())
                    .put(cols[1].strip(), grade);
        }
        return new Qrels(out);
    }

    /** The queries with at least one relevant document: those that are evaluated. */
    public List<String> judgedQueries() {
        return judgments.entrySet().stream()
                .filter(e -> e.getValue().values().stream().anyMatch(g -> g > 0))
                .map(Map.Entry::getKey)
                .toList();
    }

    public Map<String, Integer> of(String queryId) {
        return judgments.getOrDefault(queryId, Map.of());
    }
}
