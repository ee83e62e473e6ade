package io.fhs.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts of command results (JFreeChart, drawn headless). */
final class Charts {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 600;

    /** A point of a line: x, y. */
    record Point(double x, double y) {}

    /** A named series of points, drawn as a line or as dots (one per sample). */
    record Line(String name, List<Point> points, boolean dots) {}

    private Charts() {}

    /**
     * Grouped bars: for each category (e.g. a search mode) one bar per series (e.g. a metric).
     *
     * @param values category -> series -> value, in the order to draw
     */
    static void bars(
            Path png, String title, String valueLabel, Map<String, Map<String, Double>> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        values.forEach(
                (category, series) ->
                        series.forEach((name, v) -> data.addValue(v, name, category)));
        JFreeChart chart =
                ChartFactory.createBarChart(
                        title,
                        null,
                        valueLabel,
                        data,
                        PlotOrientation.HORIZONTAL,
                        true,
                        false,
                        false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        // Flat bars: the default gradient and shadow make values harder to compare.
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(chart, png, Math.max(HEIGHT, 120 + 22 * data.getColumnCount() * data.getRowCount()));
    }

    /** Series over a shared x axis and one y axis. */
    static void lines(Path png, String title, String xLabel, String yLabel, List<Line> lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            XYSeries series = new XYSeries(line.name(), false, true);
            line.points().forEach(p -> series.add(p.x(), p.y()));
            data.addSeries(series);
            renderer.setSeriesLinesVisible(i, !line.dots());
            renderer.setSeriesShapesVisible(i, line.dots());
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        JFreeChart chart =
                ChartFactory.createXYLineChart(
                        title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        style(chart);
        save(chart, png, HEIGHT);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
    }

    private static void save(JFreeChart chart, Path png, int height) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, height);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the chart " + png + " failed", e);
        }
    }
}
