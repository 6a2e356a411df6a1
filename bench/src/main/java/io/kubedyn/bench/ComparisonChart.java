package io.kubedyn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The comparison as a PNG: throughput (left) and p99 latency (right) per workload, a bar per target. */
public final class ComparisonChart {
    private ComparisonChart() {}

    public static void write(List<TargetResult> targets, List<String> workloads, String title, Path png)
            throws IOException {
        CategoryChart throughput = chart(title + ": throughput (higher is better)", "requests / s");
        CategoryChart p99 = chart(title + ": p99 latency (lower is better)", "ms");
        Map<String, Integer> runs = new HashMap<>();
        for (TargetResult target : targets) {
            // A target measured more than once in a run (to alternate the order) is a series a run.
            int run = runs.merge(target.target(), 1, Integer::sum);
            String series = run == 1 ? target.target() : target.target() + " (" + run + ")";
            List<String> names = new ArrayList<>();
            List<Double> opsPerSecond = new ArrayList<>();
            List<Double> p99Millis = new ArrayList<>();
            for (String workload : workloads) {
                target.report(workload).ifPresent(r -> {
                    names.add(workload);
                    opsPerSecond.add(r.throughput());
                    p99Millis.add(r.p99Micros() / 1000.0);
                });
            }
            if (!names.isEmpty()) {
                throughput.addSeries(series, names, opsPerSecond);
                p99.addSeries(series, names, p99Millis);
            }
        }
        // The encoder appends ".png" itself.
        String base = png.toAbsolutePath().toString().replaceFirst("\\.png$", "");
        BitmapEncoder.saveBitmap(List.of(throughput, p99), 1, 2, base, BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart chart(String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(800)
                .height(500)
                .title(title)
                .xAxisTitle("workload")
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLabelsVisible(false);
        return chart;
    }
}
