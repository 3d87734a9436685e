package io.infinispark.report;

import java.util.List;
import java.util.Locale;

/** Small inline-SVG charts: no scripts, no external files, so the report opens anywhere offline. */
final class Svg {
  static final String[] PALETTE = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"
  };

  /** One series of a line chart. */
  record Series(String label, double[] x, double[] y, String color, boolean dashed) {}

  /** A labelled cell of a heat map, value in [0, 1]. */
  record Cell(int row, int column, double value, String label) {}

  private Svg() {}

  static String lineChart(String id, String xLabel, String yLabel, List<Series> series) {
    int w = 720;
    int h = 320;
    int left = 70;
    int bottom = 40;
    double xMax =
        series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).max().orElse(1);
    double yMin =
        series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.y())).min().orElse(0);
    double yMax =
        series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.y())).max().orElse(1);
    if (yMax - yMin < 1e-9) {
      yMax = yMin + 1;
    }
    double y0 = yMin;
    double ySpan = yMax - yMin;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
            id,
            w,
            h + 20 * series.size(),
            w,
            h + 20 * series.size()));
    svg.append(axes(left, h - bottom, w - 10, 10, xLabel, yLabel));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>",
            4,
            h - bottom,
            num(yMin)));
    svg.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>", 4, 18, num(yMax)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>",
            w - 80,
            h - bottom + 16,
            num(xMax)));
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      StringBuilder d = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        double px = left + (w - 10 - left) * (xMax == 0 ? 0 : s.x()[i] / xMax);
        double py = (h - bottom) - (h - bottom - 10) * (s.y()[i] - y0) / ySpan;
        d.append(i == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f ", px, py));
      }
      svg.append(path(s, d)).append(legend(s, left, h + 14 + 20 * k));
    }
    return svg.append("</svg>").toString();
  }

  /** A series' line through the points of {@code d} ("M x y L x y …"), dashed if it says so. */
  private static String path(Series s, StringBuilder d) {
    return String.format(
        Locale.ROOT,
        "<path class=\"series\" d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>",
        d.toString().trim(),
        s.color(),
        dash(s));
  }

  /**
   * A series' legend entry: a short stroke in its style, then its label, on the line at {@code y}.
   */
  private static String legend(Series s, int left, int y) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
            + "<text x=\"%d\" y=\"%d\">%s</text>",
        left,
        y - 4,
        left + 30,
        y - 4,
        s.color(),
        dash(s),
        left + 38,
        y,
        Html.escape(s.label()));
  }

  private static String dash(Series s) {
    return s.dashed() ? " stroke-dasharray=\"6 4\"" : "";
  }

  /**
   * Points (x, y) on a log₂ x axis (positions or lengths in tokens, ticks at powers of 4), one
   * series per color; {@code lines} joins each series' points, {@code notes} (or null) become each
   * point's tooltip.
   */
  static String logXChart(
      String id,
      String xLabel,
      String yLabel,
      List<Series> series,
      boolean lines,
      List<String[]> notes) {
    int w = 720;
    int h = 320;
    int left = 70;
    int bottom = 40;
    double[] xs = series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).toArray();
    double[] ys = series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.y())).toArray();
    double lo = Math.floor(log2(java.util.Arrays.stream(xs).min().orElse(1)));
    double hi = Math.ceil(log2(java.util.Arrays.stream(xs).max().orElse(2)));
    if (hi <= lo) {
      hi = lo + 1;
    }
    double yMin = java.util.Arrays.stream(ys).min().orElse(0);
    double yMax = java.util.Arrays.stream(ys).max().orElse(1);
    if (yMax - yMin < 1e-9) {
      yMax = yMin + 1;
    }
    int height = h + 20 * series.size();
    StringBuilder svg =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                id,
                w,
                height,
                w,
                height));
    svg.append(axes(left, h - bottom, w - 10, 10, xLabel, yLabel));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"4\" y=\"%d\" class=\"tick\">%s</text><text x=\"4\" y=\"18\" class=\"tick\">%s</text>",
            h - bottom,
            num(yMin),
            num(yMax)));
    for (double e = Math.ceil(lo / 2) * 2; e <= hi; e += 2) {
      double px = left + (w - 10 - left) * (e - lo) / (hi - lo);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" class=\"tick\">%s</text>",
              px - 10,
              h - bottom + 16,
              count(Math.pow(2, e))));
    }
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      StringBuilder d = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        double px = left + (w - 10 - left) * (log2(s.x()[i]) - lo) / (hi - lo);
        double py = (h - bottom) - (h - bottom - 10) * (s.y()[i] - yMin) / (yMax - yMin);
        d.append(i == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f ", px, py));
        String note = notes == null ? null : notes.get(k)[i];
        svg.append(
            String.format(
                Locale.ROOT,
                "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\">%s</circle>",
                px,
                py,
                lines ? "3.5" : "2.5",
                s.color(),
                note == null ? "" : "<title>" + Html.escape(note) + "</title>"));
      }
      if (lines && s.x().length > 1) {
        svg.append(path(s, d));
      }
      svg.append(legend(s, left, h + 14 + 20 * k));
    }
    return svg.append("</svg>").toString();
  }

  private static double log2(double x) {
    return Math.log(Math.max(x, 1e-12)) / Math.log(2);
  }

  static String barChart(String id, List<String> labels, double[] values, String unit) {
    int w = 720;
    int rowH = 26;
    double max = java.util.Arrays.stream(values).max().orElse(1);
    StringBuilder svg =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                id,
                w,
                rowH * labels.size() + 10,
                w,
                rowH * labels.size() + 10));
    for (int i = 0; i < labels.size(); i++) {
      double bw = max == 0 ? 0 : (w - 260) * values[i] / max;
      int y = 5 + i * rowH;
      svg.append(
          String.format(
              Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", y + 16, Html.escape(labels.get(i))));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" x=\"130\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>",
              y + 2,
              bw,
              PALETTE[0]));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\">%s %s</text>",
              136 + bw,
              y + 16,
              num(values[i]),
              unit));
    }
    return svg.append("</svg>").toString();
  }

  static String heatMap(String id, List<String> rows, List<String> columns, List<Cell> cells) {
    int cw = Math.max(28, Math.min(70, 600 / Math.max(1, columns.size())));
    int ch = 26;
    int left = 110;
    int top = 24;
    int w = left + cw * columns.size() + 10;
    int h = top + ch * rows.size() + 10;
    StringBuilder svg =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                id,
                w,
                h,
                w,
                h));
    for (int c = 0; c < columns.size(); c++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"16\" class=\"tick\">%s</text>",
              left + c * cw + 4,
              Html.escape(columns.get(c))));
    }
    for (int r = 0; r < rows.size(); r++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"0\" y=\"%d\" class=\"tick\">%s</text>",
              top + r * ch + 17,
              Html.escape(rows.get(r))));
    }
    for (Cell cell : cells) {
      int shade = (int) Math.round(255 * (1 - Math.max(0, Math.min(1, cell.value()))));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\"><title>%s</title></rect>",
              left + cell.column() * cw,
              top + cell.row() * ch,
              cw - 2,
              ch - 2,
              shade,
              shade,
              Html.escape(cell.label())));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" class=\"cellText\" fill=\"%s\">%s</text>",
              left + cell.column() * cw + 3,
              top + cell.row() * ch + 17,
              cell.value() > 0.6 ? "white" : "black",
              Html.escape(cell.label())));
    }
    return svg.append("</svg>").toString();
  }

  private static String axes(int x0, int y0, int x1, int y1, String xLabel, String yLabel) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
            + "<text x=\"%d\" y=\"%d\" class=\"axis\">%s</text><text x=\"%d\" y=\"%d\" class=\"axis\">%s</text>",
        x0,
        y0,
        x1,
        y0,
        x0,
        y0,
        x0,
        y1,
        (x0 + x1) / 2 - 60,
        y0 + 30,
        Html.escape(xLabel),
        x0 + 6,
        y1 + 12,
        Html.escape(yLabel));
  }

  /** A count (tokens, documents): whole below 10,000, then K and M as {@link #num}. */
  static String count(double v) {
    return Math.abs(v) < 1e4 ? String.format(Locale.ROOT, "%.0f", v) : num(v);
  }

  static String num(double v) {
    if (Math.abs(v) >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (Math.abs(v) >= 1e4) {
      return String.format(Locale.ROOT, "%.0fK", v / 1e3);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.2f", v);
  }
}
