package io.infinispark.report;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infinispark.data.RunTable;
import io.infinispark.model.MemoryMode;
import io.infinispark.summary.SummaryMethods;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * One self-contained HTML page for a run directory (inline CSS and SVG, no scripts, opens offline):
 * the manifest, per-document metrics, perplexity against position with and without memory, stage
 * timings, the model's gates, summaries beside their references with ROUGE, the passkey grid and
 * the errors. Sections whose tables a run does not have say so instead.
 */
public final class HtmlReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final Path runDir;
  private final StringBuilder html = new StringBuilder();

  private HtmlReport(SparkSession spark, Path runDir) {
    this.spark = spark;
    this.runDir = runDir;
  }

  /**
   * Writes RUN_DIR/report.html; {@code passkeyDir}: an eval run whose passkey_grid to show, or
   * null.
   */
  public static Path write(SparkSession spark, Path runDir, Path passkeyDir) throws IOException {
    if (!Files.isRegularFile(runDir.resolve("manifest.json"))) {
      throw new IllegalArgumentException("not a run directory (no manifest.json): " + runDir);
    }
    HtmlReport report = new HtmlReport(spark, runDir);
    JsonNode manifest = JSON.readTree(runDir.resolve("manifest.json").toFile());
    report.header(manifest);
    report.corpus();
    report.documents();
    report.perplexity();
    report.stages(manifest);
    report.tasks(manifest);
    report.gates(manifest);
    report.summaries();
    report.passkey(passkeyDir != null ? passkeyDir : runDir);
    report.errors();
    Path out = runDir.resolve("report.html");
    Files.writeString(
        out, report.html.append("</body></html>\n").toString(), StandardCharsets.UTF_8);
    return out;
  }

  private boolean has(RunTable table) {
    return Files.isDirectory(table.in(runDir));
  }

  private List<Row> read(RunTable table) {
    return spark.read().parquet(table.in(runDir).toString()).collectAsList();
  }

  private void header(JsonNode m) {
    html.append(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Infini-Spark run ")
        .append(Html.escape(m.path("run_id").asText()))
        .append("</title><style>")
        .append(
            "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append(
            "td:first-child,th:first-child,#manifest td{text-align:left}.warn{background:#fff3cd;padding:.6em;border:1px solid #e0c36b}")
        .append(
            ".chart text{font-size:12px}.tick{fill:#555}.axis{fill:#222;font-weight:600}.cellText{font-size:11px}")
        .append("blockquote{border-left:4px solid #ccc;margin:.4em 0;padding:.2em .8em;color:#333}")
        .append("</style></head><body>");
    html.append("<h1>Infini-Spark run ")
        .append(Html.escape(m.path("run_id").asText()))
        .append("</h1>");
    JsonNode model = m.path("model");
    if (model.path("random_init").asBoolean()) {
      html.append(
          "<p class=\"warn\" id=\"random-init\">The model's weights are a seeded random initialisation "
              + "(untrained): perplexities near the vocabulary size and zero passkey accuracy are expected.</p>");
    }
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("status", io.infinispark.pipeline.RunManifest.condition(m, java.time.Instant.now()));
    rows.put(
        "started / finished",
        m.path("started_at").asText() + " / " + m.path("finished_at").asText());
    rows.put("input", m.path("input").asText());
    rows.put("model", model.path("dir").asText() + " — " + model.path("provenance").asText());
    rows.put("parameters", String.format(Locale.ROOT, "%,d", model.path("parameters").asLong()));
    rows.put("config hash", model.path("config_hash").asText());
    rows.put(
        "Spark",
        m.path("spark").path("version").asText() + " " + m.path("spark").path("master").asText());
    rows.put("versions", m.path("versions").toString());
    html.append("<h2>Run</h2><table id=\"manifest\">");
    rows.forEach(
        (k, v) ->
            html.append("<tr><th>")
                .append(Html.escape(k))
                .append("</th><td>")
                .append(Html.escape(v))
                .append("</td></tr>"));
    html.append("</table>");
  }

  /** Documents listed in full up to this many; beyond, the extremes and the Parquet table. */
  static final int FULL_TABLE_ROWS = 200;

  /**
   * The corpus at a glance: perplexity by position pooled over the documents that reach each
   * position, per memory mode, with how many documents each point holds; the memory gain's
   * distribution over documents and against their length.
   */
  private void corpus() {
    html.append("<h2>Corpus</h2>");
    if (!has(RunTable.PERPLEXITY) || !has(RunTable.DOC_METRICS)) {
      html.append("<p>No perplexity or doc_metrics table in this run.</p>");
      return;
    }
    List<Row> points =
        spark
            .read()
            .parquet(RunTable.PERPLEXITY.in(runDir).toString())
            .groupBy("memory", "bucket", "bucket_start", "bucket_end")
            .agg(
                functions.sum("nll_sum").as("nll"),
                functions.sum("n_predicted").as("n"),
                functions.countDistinct("doc_id").as("docs"))
            .orderBy("memory", "bucket")
            .collectAsList();
    Map<String, List<Row>> byMode = new LinkedHashMap<>();
    points.forEach(r -> byMode.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r));
    List<Svg.Series> series = new ArrayList<>();
    List<String[]> notes = new ArrayList<>();
    int k = 0;
    for (Map.Entry<String, List<Row>> e : byMode.entrySet()) {
      List<Row> rows = e.getValue();
      double[] x = rows.stream().mapToDouble(r -> r.getLong(3)).toArray();
      double[] y =
          rows.stream().mapToDouble(r -> Math.exp(r.getDouble(4) / r.getLong(5))).toArray();
      String[] note = new String[rows.size()];
      for (int i = 0; i < note.length; i++) {
        Row r = rows.get(i);
        note[i] =
            String.format(
                Locale.ROOT,
                "tokens %s–%s: perplexity %.2f over %d documents",
                Svg.count(r.getLong(2)),
                Svg.count(r.getLong(3)),
                y[i],
                r.getLong(6));
      }
      boolean reset = e.getKey().equals(MemoryMode.RESET.label());
      series.add(new Svg.Series("memory " + e.getKey(), x, y, Svg.PALETTE[k++ % 8], reset));
      notes.add(note);
    }
    html.append("<h3>Perplexity by position, over the documents that reach it</h3>")
        .append(
            Svg.logXChart(
                "corpus-perplexity-chart",
                "tokens into the document (end of bucket, log scale)",
                "perplexity",
                series,
                true,
                notes))
        .append(corpusPositionTable(byMode));
    List<Row> docs = read(RunTable.DOC_METRICS);
    List<Row> gains = docs.stream().filter(r -> r.getAs("memory_gain") != null).toList();
    if (gains.isEmpty()) {
      html.append("<p>Run with the memory ablation (the default) for the memory's gain.</p>");
      return;
    }
    gainHistogram(gains);
    gainAgainstLength(gains);
  }

  private static String corpusPositionTable(Map<String, List<Row>> byMode) {
    StringBuilder t =
        new StringBuilder("<table id=\"corpus-perplexity\"><tr><th>tokens</th><th>documents</th>");
    byMode.keySet().forEach(m -> t.append("<th>perplexity, memory ").append(m).append("</th>"));
    t.append("</tr>");
    List<Row> first = byMode.values().iterator().next();
    for (int i = 0; i < first.size(); i++) {
      Row r = first.get(i);
      t.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s–%s</td><td>%d</td>",
              Svg.count(r.getLong(2)),
              Svg.count(r.getLong(3)),
              r.getLong(6)));
      for (List<Row> rows : byMode.values()) {
        Row same = i < rows.size() ? rows.get(i) : null;
        t.append(
            same == null
                ? "<td>—</td>"
                : String.format(
                    Locale.ROOT, "<td>%.2f</td>", Math.exp(same.getDouble(4) / same.getLong(5))));
      }
      t.append("</tr>");
    }
    return t.append("</table>").toString();
  }

  /** How many documents gain how much: bins of equal width over the observed range. */
  private void gainHistogram(List<Row> gains) {
    double[] g = gains.stream().mapToDouble(r -> 100 * r.<Double>getAs("memory_gain")).toArray();
    double lo = Math.floor(java.util.Arrays.stream(g).min().orElse(0));
    double hi = Math.ceil(java.util.Arrays.stream(g).max().orElse(1));
    int bins = (int) Math.max(1, Math.min(20, hi - lo));
    double width = Math.max(1e-9, (hi - lo) / bins);
    double[] counts = new double[bins];
    for (double v : g) {
      counts[Math.min(bins - 1, (int) ((v - lo) / width))]++;
    }
    List<String> labels = new ArrayList<>();
    for (int b = 0; b < bins; b++) {
      labels.add(String.format(Locale.ROOT, "%.1f–%.1f%%", lo + b * width, lo + (b + 1) * width));
    }
    html.append("<h3>Memory gain across documents</h3>")
        .append(Svg.barChart("gain-histogram", labels, counts, "documents"));
  }

  /** Gain against length, at most 2,000 documents drawn (evenly by length), so it stays small. */
  private void gainAgainstLength(List<Row> gains) {
    List<Row> byLength = new ArrayList<>(gains);
    byLength.sort(java.util.Comparator.comparingLong(r -> r.<Long>getAs("n_tokens")));
    int step = Math.max(1, (byLength.size() + 1_999) / 2_000);
    List<Row> drawn = new ArrayList<>();
    for (int i = 0; i < byLength.size(); i += step) {
      drawn.add(byLength.get(i));
    }
    double[] x = drawn.stream().mapToDouble(r -> r.<Long>getAs("n_tokens")).toArray();
    double[] y = drawn.stream().mapToDouble(r -> 100 * r.<Double>getAs("memory_gain")).toArray();
    String[] note = drawn.stream().map(r -> r.<String>getAs("doc_id")).toArray(String[]::new);
    html.append("<h3>Memory gain against document length</h3>")
        .append(
            Svg.logXChart(
                "gain-vs-length",
                "document length in tokens (log scale)",
                "memory gain, %",
                List.of(new Svg.Series("one point per document", x, y, Svg.PALETTE[2], false)),
                false,
                List.<String[]>of(note)));
    if (step > 1) {
      html.append(
          "<p>Every " + step + "th document by length of " + byLength.size() + " drawn.</p>");
    }
  }

  private void documents() {
    html.append("<h2>Documents</h2>");
    if (!has(RunTable.DOC_METRICS)) {
      html.append("<p>No doc_metrics table in this run.</p>");
      return;
    }
    List<Row> docs =
        spark
            .read()
            .parquet(RunTable.DOC_METRICS.in(runDir).toString())
            .orderBy("doc_id")
            .collectAsList();
    boolean ablation = docs.stream().anyMatch(r -> r.getAs("perplexity_reset") != null);
    if (docs.size() > FULL_TABLE_ROWS) {
      List<Row> ranked = new ArrayList<>(docs);
      java.util.Comparator<Row> order =
          ablation
              ? java.util.Comparator.comparingDouble(
                  r -> r.getAs("memory_gain") == null ? 0 : -r.<Double>getAs("memory_gain"))
              : java.util.Comparator.comparingDouble(r -> r.<Double>getAs("perplexity"));
      ranked.sort(order);
      html.append(
          String.format(
              Locale.ROOT,
              "<p>%,d documents: the 10 with the %s and the 10 with the %s; all of them are in"
                  + " <code>doc_metrics</code> (Parquet) and the corpus notebook.</p>",
              docs.size(),
              ablation ? "largest memory gain" : "lowest perplexity",
              ablation ? "smallest" : "highest"));
      List<Row> shown = new ArrayList<>(ranked.subList(0, 10));
      shown.addAll(ranked.subList(ranked.size() - 10, ranked.size()));
      docs = shown;
    }
    html.append(
            "<table id=\"documents\"><tr><th>document</th><th>tokens</th><th>segments</th><th>perplexity</th>")
        .append(ablation ? "<th>perplexity, memory reset</th><th>memory gain</th>" : "")
        .append("<th>tokens/s</th></tr>");
    for (Row r : docs) {
      html.append("<tr><td>")
          .append(Html.escape(r.getAs("doc_id")))
          .append("</td>")
          .append(cell(String.format(Locale.ROOT, "%,d", r.<Long>getAs("n_tokens"))))
          .append(cell(String.valueOf(r.<Integer>getAs("n_segments"))))
          .append(cell(String.format(Locale.ROOT, "%.2f", r.<Double>getAs("perplexity"))));
      if (ablation) {
        Double reset = r.getAs("perplexity_reset");
        Double gain = r.getAs("memory_gain");
        html.append(cell(reset == null ? "—" : String.format(Locale.ROOT, "%.2f", reset)))
            .append(cell(gain == null ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * gain)));
      }
      html.append(cell(String.format(Locale.ROOT, "%,.0f", r.<Double>getAs("tokens_per_second"))))
          .append("</tr>");
    }
    html.append("</table>");
  }

  private void perplexity() {
    html.append("<h2>Perplexity by position in the book</h2>");
    if (!has(RunTable.PERPLEXITY)) {
      html.append("<p>No perplexity table in this run.</p>");
      return;
    }
    Map<String, List<Row>> byDocAndMode = new LinkedHashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(RunTable.PERPLEXITY.in(runDir).toString())
            .orderBy("doc_id", "memory", "bucket")
            .collectAsList()) {
      byDocAndMode
          .computeIfAbsent(
              r.<String>getAs("doc_id") + "\u0000" + r.<String>getAs("memory"),
              k -> new ArrayList<>())
          .add(r);
    }
    List<Svg.Series> series = new ArrayList<>();
    Map<String, String> colors = new LinkedHashMap<>();
    for (Map.Entry<String, List<Row>> e : byDocAndMode.entrySet()) {
      String[] key = e.getKey().split("\u0000");
      if (!colors.containsKey(key[0]) && colors.size() == Svg.PALETTE.length) {
        continue; // at most 8 documents in one chart
      }
      String color = colors.computeIfAbsent(key[0], k -> Svg.PALETTE[colors.size()]);
      List<Row> rows = e.getValue();
      double[] x = rows.stream().mapToDouble(r -> r.<Long>getAs("bucket_end")).toArray();
      double[] y = rows.stream().mapToDouble(r -> r.<Double>getAs("perplexity")).toArray();
      series.add(
          new Svg.Series(
              key[0] + " — memory " + key[1],
              x,
              y,
              color,
              key[1].equals(MemoryMode.RESET.label())));
    }
    html.append(Svg.lineChart("perplexity-chart", "tokens into the document", "perplexity", series))
        .append(
            "<p>Solid: memory carried across segments; dashed: memory reset at every segment "
                + "(run with <code>--memory-ablation</code>).</p>");
  }

  private void stages(JsonNode m) {
    html.append("<h2>Stage timings</h2>");
    List<String> names = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    // every stage's throughput in the corpus's tokens (recur's: the tokens it read this run)
    double corpusTokens = m.path("stages").path("recur").path("tokens_read").asDouble(0);
    StringBuilder table =
        new StringBuilder(
            "<table id=\"stage-throughput\"><tr><th>stage</th><th>s</th><th>tokens/s</th></tr>");
    for (Iterator<Map.Entry<String, JsonNode>> it = m.path("stages").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      double s = e.getValue().path("millis").asDouble() / 1000;
      names.add(e.getKey());
      seconds.add(s);
      double tokens = e.getValue().path("tokens_read").asDouble(corpusTokens);
      table.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%.1f</td><td>%s</td></tr>",
              Html.escape(e.getKey()),
              s,
              tokens > 0 && s > 0 ? String.format(Locale.ROOT, "%,.0f", tokens / s) : "—"));
      if (e.getValue().has("tokens_read")) {
        double rate = e.getValue().path("tokens_read").asDouble() / Math.max(1e-9, s);
        html.append(
            String.format(Locale.ROOT, "<p>%s: %,.0f tokens/s</p>", Html.escape(e.getKey()), rate));
      }
    }
    html.append(table.append("</table>"));
    html.append(
        Svg.barChart(
            "stages-chart",
            names,
            seconds.stream().mapToDouble(Double::doubleValue).toArray(),
            "s"));
  }

  /**
   * Recur's tasks by executor JVM: tokens, busy time and tokens/s, with the slowest task against
   * the median (skew) — how evenly the work was spread, at most 50 executors shown (slowest first).
   */
  private void tasks(JsonNode m) {
    JsonNode tasks = m.path("stages").path("recur").path("tasks");
    if (!tasks.isArray() || tasks.isEmpty()) {
      return;
    }
    html.append("<h2>Recur tasks</h2>");
    Map<String, long[]> byExecutor = new LinkedHashMap<>(); // tasks, tokens, millis
    List<Double> seconds = new ArrayList<>();
    for (JsonNode t : tasks) {
      long[] sums = byExecutor.computeIfAbsent(t.path("executor").asText(), e -> new long[3]);
      sums[0]++;
      sums[1] += t.path("tokens").asLong();
      sums[2] += t.path("millis").asLong();
      seconds.add(t.path("millis").asLong() / 1000.0);
    }
    double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double slowest = sorted[sorted.length - 1];
    double median = Stats.median(sorted);
    html.append(
        String.format(
            Locale.ROOT,
            "<p id=\"task-skew\">%d tasks on %d executor JVMs; slowest task %.1f s, median %.1f s"
                + " (skew %.2f).</p>",
            sorted.length,
            byExecutor.size(),
            slowest,
            median,
            median > 0 ? slowest / median : 1.0));
    List<Map.Entry<String, long[]>> rows = new ArrayList<>(byExecutor.entrySet());
    rows.sort(
        java.util.Comparator.comparingDouble(
            (Map.Entry<String, long[]> e) -> e.getValue()[1] / Math.max(1e-9, e.getValue()[2])));
    html.append(
        "<table id=\"recur-tasks\"><tr><th>executor</th><th>tasks</th><th>tokens</th>"
            + "<th>busy s</th><th>tokens/s</th></tr>");
    for (Map.Entry<String, long[]> e : rows.subList(0, Math.min(50, rows.size()))) {
      long[] v = e.getValue();
      html.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%d</td><td>%,d</td><td>%.1f</td><td>%,.0f</td></tr>",
              Html.escape(e.getKey()),
              v[0],
              v[1],
              v[2] / 1000.0,
              v[1] / Math.max(1e-9, v[2] / 1000.0)));
    }
    html.append("</table>");
    if (rows.size() > 50) {
      html.append(
          "<p>"
              + (rows.size() - 50)
              + " faster executors not shown; every task is in manifest.json"
              + " (stages.recur.tasks).</p>");
    }
  }

  private void gates(JsonNode m) {
    html.append("<h2>Memory gates sigmoid(β)</h2>");
    JsonNode layers = m.path("model").path("memory_shares");
    if (!layers.isArray() || layers.isEmpty()) {
      html.append("<p>This run's manifest does not record the model's gates.</p>");
      return;
    }
    List<Svg.Cell> cells = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    for (int h = 0; h < layers.get(0).size(); h++) {
      columns.add("head " + h);
    }
    for (int layer = 0; layer < layers.size(); layer++) {
      rows.add("layer " + layer);
      for (int h = 0; h < layers.get(layer).size(); h++) {
        double share = layers.get(layer).get(h).asDouble();
        cells.add(new Svg.Cell(layer, h, share, String.format(Locale.ROOT, "%.2f", share)));
      }
    }
    html.append(Svg.heatMap("gates-chart", rows, columns, cells))
        .append(
            "<p>Share of each head's output read from memory: near 1, a memory head; near 0, a local head.</p>");
  }

  private void summaries() {
    html.append("<h2>Summaries</h2>");
    if (!has(RunTable.SUMMARIES)) {
      html.append("<p>No summaries table in this run.</p>");
      return;
    }
    Map<String, List<String>> references = new LinkedHashMap<>();
    if (has(RunTable.REFERENCES)) {
      for (Row r : read(RunTable.REFERENCES)) {
        references.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(3));
      }
    }
    Map<String, Row> rouge = new LinkedHashMap<>();
    if (has(RunTable.ROUGE)) {
      read(RunTable.ROUGE).forEach(r -> rouge.put(r.getString(0) + "\u0000" + r.getString(1), r));
      rougeByMethod(rouge.values());
    }
    html.append("<div id=\"summaries\">");
    Dataset<Row> all = spark.read().parquet(RunTable.SUMMARIES.in(runDir).toString());
    List<String> ids =
        all.select("doc_id").distinct().orderBy("doc_id").as(Encoders.STRING()).collectAsList();
    List<String> shown = ids.subList(0, Math.min(ids.size(), FULL_TABLE_ROWS));
    Map<String, List<Row>> byDocument = new LinkedHashMap<>();
    shown.forEach(d -> byDocument.put(d, new ArrayList<>()));
    for (Row s :
        all.filter(col("doc_id").isin(shown.toArray()))
            .orderBy(col("doc_id"), col("section").asc_nulls_first(), col("method"))
            .collectAsList()) {
      byDocument.get(s.getString(0)).add(s);
    }
    byDocument.forEach(
        (doc, rows) -> document(doc, rows, references.getOrDefault(doc, List.of()), rouge));
    int documents = ids.size();
    if (documents > FULL_TABLE_ROWS) {
      html.append(
          "<p>Summaries of the first "
              + FULL_TABLE_ROWS
              + " of "
              + documents
              + " documents shown; all are in <code>summaries</code> (Parquet).</p>");
    }
    html.append("</div>");
  }

  /** One document: the whole-document summary per method (the default first), then its sections. */
  private void document(
      String doc, List<Row> rows, List<String> references, Map<String, Row> rouge) {
    html.append("<details class=\"document\"><summary>")
        .append(Html.escape(doc))
        .append("</summary>");
    List<Row> whole =
        rows.stream()
            .filter(r -> r.isNullAt(6))
            .sorted(Comparator.comparing((Row r) -> !r.getString(1).equals(SummaryMethods.DEFAULT)))
            .toList();
    for (Row s : whole) {
      html.append("<h3>")
          .append(Html.escape(doc))
          .append(" — ")
          .append(Html.escape(s.getString(1)))
          .append(s.getString(1).equals(SummaryMethods.DEFAULT) ? " (default)" : "")
          .append("</h3>")
          .append("<blockquote class=\"summary\">")
          .append(Html.escape(s.getString(2)))
          .append("</blockquote>");
      Row r = rouge.get(doc + "\u0000" + s.getString(1));
      if (r != null) {
        html.append(
            String.format(
                Locale.ROOT,
                "<table class=\"rouge\"><tr><th>F1</th><th>ROUGE-1</th><th>ROUGE-2</th><th>ROUGE-L</th></tr>"
                    + "<tr><td>%d reference(s)</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr></table>",
                r.getInt(2),
                r.getDouble(3),
                r.getDouble(6),
                r.getDouble(9)));
      }
    }
    for (String reference : references) {
      html.append("<p>Reference:</p><blockquote class=\"reference\">")
          .append(Html.escape(reference))
          .append("</blockquote>");
    }
    List<Row> sections = rows.stream().filter(r -> !r.isNullAt(6)).toList();
    if (!sections.isEmpty()) {
      html.append("<details class=\"sections\"><summary>")
          .append(sections.size())
          .append(" sections, summarised one by one</summary>");
      for (Row s : sections) {
        html.append("<h4>")
            .append(Html.escape(s.getString(7)))
            .append("</h4><blockquote class=\"section-summary\">")
            .append(Html.escape(s.getString(2)))
            .append("</blockquote>");
      }
      html.append("</details>");
    }
    html.append("</details>");
  }

  /**
   * Mean ROUGE F1 per method over the documents with references, the lead baseline's beside it:
   * whether a method beats taking the first N words is the first thing to know about it.
   */
  private void rougeByMethod(Collection<Row> scores) {
    // per method: documents, and the sums of ROUGE-1, -2 and -L F1 (columns 3, 6, 9)
    Map<String, double[]> sums = new TreeMap<>();
    for (Row r : scores) {
      double[] sum = sums.computeIfAbsent(r.getString(1), k -> new double[4]);
      sum[0]++;
      sum[1] += r.getDouble(3);
      sum[2] += r.getDouble(6);
      sum[3] += r.getDouble(9);
    }
    double[] lead = sums.get(SummaryMethods.LEAD);
    html.append("<table id=\"rouge-by-method\"><tr><th>method</th><th>documents</th>")
        .append("<th>ROUGE-1</th><th>ROUGE-2</th><th>ROUGE-L</th><th>ROUGE-L − lead</th></tr>");
    for (Map.Entry<String, double[]> m : sums.entrySet()) {
      double[] sum = m.getValue();
      double n = sum[0];
      html.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s%s</td><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%s</td></tr>",
              Html.escape(m.getKey()),
              m.getKey().equals(SummaryMethods.DEFAULT) ? " (default)" : "",
              (long) n,
              100 * sum[1] / n,
              100 * sum[2] / n,
              100 * sum[3] / n,
              lead == null
                  ? ""
                  : String.format(Locale.ROOT, "%+.2f", 100 * (sum[3] / n - lead[3] / lead[0]))));
    }
    html.append("</table><p>Mean F1 ×100 over the documents that came with reference summaries; ")
        .append("<code>lead</code> is the first N words of the document's prose, the baseline a ")
        .append("method has to beat.</p>");
  }

  private void passkey(Path dir) {
    html.append("<h2>Passkey retrieval</h2>");
    if (!Files.isDirectory(RunTable.PASSKEY_GRID.in(dir))) {
      html.append(
          "<p>No passkey grid: run <code>./run.sh eval</code> and pass its directory with "
              + "<code>--passkey DIR</code>.</p>");
      return;
    }
    List<Row> grid =
        spark
            .read()
            .parquet(RunTable.PASSKEY_GRID.in(dir).toString())
            .orderBy(col("requested_tokens"), col("depth"))
            .collectAsList();
    List<String> lengths =
        grid.stream().map(r -> String.format(Locale.ROOT, "%,d", r.getLong(0))).distinct().toList();
    List<String> depths =
        grid.stream()
            .map(r -> String.format(Locale.ROOT, "%.2f", r.getDouble(1)))
            .distinct()
            .sorted()
            .toList();
    List<Svg.Cell> cells = new ArrayList<>();
    for (Row r : grid) {
      cells.add(
          new Svg.Cell(
              lengths.indexOf(String.format(Locale.ROOT, "%,d", r.getLong(0))),
              depths.indexOf(String.format(Locale.ROOT, "%.2f", r.getDouble(1))),
              r.getDouble(3),
              String.format(Locale.ROOT, "%.0f%%", 100 * r.getDouble(3))));
    }
    html.append(
            Svg.heatMap(
                "passkey-chart", lengths, depths.stream().map(d -> "depth " + d).toList(), cells))
        .append("<p id=\"passkey-keys\">")
        .append(keysAsked(dir, grid))
        .append(
            " Rows: length in tokens; columns: where the key is hidden (0 = start, 1 = end); an"
                + " answer is right when the first integer generated is the key.</p>");
  }

  /**
   * "Keys of N digits, K a cell." — what the grid asked, which the accuracy means nothing without.
   */
  private String keysAsked(Path dir, List<Row> grid) {
    long fewest = grid.stream().mapToLong(r -> r.getLong(2)).min().orElse(0);
    long most = grid.stream().mapToLong(r -> r.getLong(2)).max().orElse(0);
    String perCell = fewest == most ? fewest + " a cell." : fewest + "–" + most + " a cell.";
    if (!Files.isDirectory(RunTable.PASSKEY.in(dir))) {
      return "Keys " + perCell;
    }
    Row digits =
        spark
            .read()
            .parquet(RunTable.PASSKEY.in(dir).toString())
            .agg(
                functions.min(functions.length(col("passkey"))),
                functions.max(functions.length(col("passkey"))))
            .first();
    int shortest = digits.getInt(0);
    int longest = digits.getInt(1);
    return String.format(
        Locale.ROOT,
        "Keys of %s digit%s, %s",
        shortest == longest ? shortest : shortest + "–" + longest,
        longest == 1 ? "" : "s",
        perCell);
  }

  private void errors() {
    html.append("<h2>Errors</h2>");
    List<Row> errors = has(RunTable.ERRORS) ? read(RunTable.ERRORS) : List.of();
    if (errors.isEmpty()) {
      html.append("<p id=\"no-errors\">No document was left out.</p>");
      return;
    }
    if (errors.size() > ERRORS_LISTED) {
      // thousands of bad documents: counts by stage and reason first, then the first few
      Map<String, Integer> byReason = new LinkedHashMap<>();
      for (Row r : errors) {
        byReason.merge(r.getString(2) + "\u0000" + reasonKind(r.getString(3)), 1, Integer::sum);
      }
      List<Map.Entry<String, Integer>> common = new ArrayList<>(byReason.entrySet());
      common.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
      html.append(
              String.format(
                  Locale.ROOT,
                  "<p>%,d documents left out, %,d kinds of reason; every one is in"
                      + " <code>errors</code> (Parquet).</p>",
                  errors.size(),
                  byReason.size()))
          .append(
              "<table id=\"error-counts\"><tr><th>stage</th><th>reason</th><th>documents</th></tr>");
      for (Map.Entry<String, Integer> e : common.subList(0, Math.min(20, common.size()))) {
        String[] key = e.getKey().split("\u0000", 2);
        html.append("<tr>")
            .append(cell(key[0]))
            .append(cell(key[1]))
            .append(cell(String.format(Locale.ROOT, "%,d", e.getValue())))
            .append("</tr>");
      }
      html.append("</table><p>The first ").append(ERRORS_LISTED).append(":</p>");
      errors = errors.subList(0, ERRORS_LISTED);
    }
    html.append(
        "<table id=\"errors\"><tr><th>document</th><th>stage</th><th>reason</th><th>source</th></tr>");
    for (Row r : errors) {
      html.append("<tr><td>")
          .append(Html.escape(r.getString(0)))
          .append("</td><td>")
          .append(Html.escape(r.getString(2)))
          .append("</td><td>")
          .append(Html.escape(r.getString(3)))
          .append("</td><td>")
          .append(Html.escape(r.getString(1)))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  static final int ERRORS_LISTED = 50;

  /** A reason without its numbers, so "token id 9001 …" and "token id 9002 …" count together. */
  static String reasonKind(String reason) {
    return reason == null ? "" : reason.replaceAll("[0-9]+", "N");
  }

  private static String cell(String value) {
    return "<td>" + Html.escape(value) + "</td>";
  }
}
