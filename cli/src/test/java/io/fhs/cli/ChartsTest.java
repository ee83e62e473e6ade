package io.fhs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @TempDir Path dir;

    @Test
    void barsAreDrawnOnePerModeAndMetric() throws Exception {
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        values.put("dense", Map.of("NDCG@10", 0.45));
        values.put("hybrid", Map.of("NDCG@10", 0.55));
        Path png = dir.resolve("sub/bars.png");
        Charts.bars(png, "quality", "score", values);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1100);
        assertThat(image.getHeight()).isEqualTo(600);
        // White background, grey grid, black text and the series colour at least.
        assertThat(colours(image)).hasSizeGreaterThan(4);
    }

    @Test
    void linesAndDotsShareOneAxis() throws Exception {
        Path png = dir.resolve("lines.png");
        Charts.lines(
                png,
                "throughput",
                "s",
                "chunks",
                List.of(
                        new Charts.Line(
                                "job",
                                List.of(new Charts.Point(0, 0), new Charts.Point(10, 100)),
                                false),
                        new Charts.Line("samples", List.of(new Charts.Point(5, 40)), true)));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1100);
        assertThat(colours(image)).hasSizeGreaterThan(4);
    }

    private static Set<Integer> colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen;
    }
}
