package io.infinispark.probes;

import io.infinispark.data.SparkSessions;
import io.infinispark.data.passkey.*;
import io.infinispark.model.*;
import io.infinispark.pipeline.*;
import io.infinispark.runtime.*;
import io.infinispark.training.CorpusTrainingData;
import io.infinispark.tokenizer.*;
import io.infinispark.train.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.spark.sql.*;

/** Probe: passkey across K segments on a small model; args: d layers segment K steps lr lanes [from] */
public class MemoryPasskeyProbe {
  public static void main(String[] a) throws Exception {
    int d = Integer.parseInt(a[0]), layers = Integer.parseInt(a[1]), segment = Integer.parseInt(a[2]);
    int k = Integer.parseInt(a[3]), steps = Integer.parseInt(a[4]); double lr = Double.parseDouble(a[5]);
    int lanes = Integer.parseInt(a[6]);
    // env BOOK=file, BOOKCHARS=n: train on the first n characters of another text (default: 120,000 of the Devil's Dictionary)
    String bookText = Files.readString(Path.of(System.getenv().getOrDefault("BOOK", "/work/main/datasets/sample/devils-dictionary.txt")), StandardCharsets.UTF_8);
    String book = bookText.substring(0, Math.min(bookText.length(), Integer.parseInt(System.getenv().getOrDefault("BOOKCHARS", "120000"))));
    // env OUT=dir: keep the run there (else a temporary directory)
    Path dir = System.getenv("OUT") != null ? Files.createDirectories(Path.of(System.getenv("OUT"))) : Files.createTempDirectory("mpp");
    // env FROM=dir: start from that model (its weights, gates reset to GATE_INIT when set) and read
    // with TOKENIZER (a single-digit derivative of its tokenizer); else a fresh model and tokenizer
    String from = System.getenv("FROM");
    Path tokFile = from != null ? Path.of(System.getenv("TOKENIZER")) : dir.resolve("tokenizer.json");
    if (from == null) new BpeTrainer(512, 2).train(List.of(book.substring(0, Math.min(book.length(), 120_000)))).withoutDigitMerges().save(tokFile);
    TextTokenizer tokenizer = Tokenizers.load(tokFile);
    PasskeyGenerator passkeys = new PasskeyGenerator(PasskeySpec.paper(), tokenizer);
    // env DIGITS=n: keys of n digits; DIGITS_MAX=m: keys of 1..m digits drawn uniformly (evaluated at m)
    int maxDigits = Integer.parseInt(System.getenv().getOrDefault("DIGITS_MAX", System.getenv().getOrDefault("DIGITS", "5")));
    int minDigits = System.getenv("DIGITS_MAX") != null ? 1 : maxDigits;
    PasskeyGenerator[] byDigits = new PasskeyGenerator[maxDigits + 1];
    for (int n = minDigits; n <= maxDigits; n++) byDigits[n] = new PasskeyGenerator(PasskeySpec.paper().withDigits(n), tokenizer);
    // env SHIFT=s: memory keys written as k_t + s·k_{t−1} (ModelConfig.memoryKeyShift)
    // env HEADS=h: h heads of d/h (default: heads of 32)
    int heads = Integer.parseInt(System.getenv().getOrDefault("HEADS", String.valueOf(d / 32)));
    ModelConfig config = new ModelConfig(512, d, layers, heads, heads, d / heads, 2 * d, segment, MemoryRule.DELTA, 10000, 1e-5, true,
            Double.parseDouble(System.getenv().getOrDefault("GATE_INIT", "0"))) // env GATE_INIT: every β at start
        .withMemoryKeyShift(Double.parseDouble(System.getenv().getOrDefault("SHIFT", "0")));
    CorpusTrainingData corpus = new CorpusTrainingData(List.of(tokenizer.encode(book)), List.of(), passkeys, tokenizer);
    int window = k * segment + 1;
    // needle always in the first segment, question and answer in the last: only the memory can answer
    TrainingData data = new TrainingData() {
      public TrainingExample text(SplittableRandom r, int length) {
        if (System.getenv("TRECALL") != null) return corpus.text(r, length);
        if (System.getenv("RECALL") == null) return passkey(r, length, 0, length, 5);
        // a corpus window with one span of segment 1 repeated at a random place in the last segment
        int[] t = corpus.text(r, length).tokens();
        int span = 32;
        int from = r.nextInt(segment - span);
        int to = (k - 1) * segment + r.nextInt(segment - span);
        System.arraycopy(t, from, t, to, span);
        return TrainingExample.text(t);
      }
      public TrainingExample passkey(SplittableRandom r, int length, int ignored, int needleBefore, int digits) {
        if (System.getenv("EARLY") == null) {
          return corpus.passkey(r, length, (k - 1) * segment + 8 + r.nextInt(segment / 2), length, 5);
        }
        long key = r.nextLong(1_000_000);
        if (System.getenv("SHORT") != null) {
          // env SHORT=1: no preamble, so segments shorter than the paper's preamble still hold the
          // needle: book text, the needle in the first half of segment 1, the question ending segment K
          String k1 = byDigits[minDigits + r.nextInt(maxDigits - minDigits + 1)].key(key);
          int[] needle = tokenizer.encode(" The pass key is " + k1 + ". Remember it. " + k1 + " is the pass key.");
          int[] question = tokenizer.encode(" What is the pass key? The pass key is");
          int[] answer = tokenizer.encode(" " + k1 + ".");
          int[] t = corpus.text(r, length).tokens().clone();
          if (System.getenv("FILLERBG") != null) {
            // env FILLERBG=1: the paper's repeated filler sentences as the background instead of book text
            int[] f = tokenizer.encode(" " + String.join(" ", PasskeySpec.paper().filler()));
            for (int i = 0; i < t.length; i++) t[i] = f[i % f.length];
          }
          System.arraycopy(needle, 0, t, r.nextInt(Math.max(1, segment / 2 - needle.length)), needle.length);
          System.arraycopy(question, 0, t, length - answer.length - question.length, question.length);
          System.arraycopy(answer, 0, t, length - answer.length, answer.length);
          return new TrainingExample(t, length - answer.length, answer.length);
        }
        // the eval's own layout: needle near the start of segment 1, question and answer in segment K
        PasskeyGenerator g = byDigits[minDigits + r.nextInt(maxDigits - minDigits + 1)];
        int[] answer = tokenizer.encode(" " + g.key(key) + ".");
        PasskeyExample e = g.example(length - answer.length, 0.1 * r.nextDouble(), key);
        int[] prompt = g.allTokens(e);
        int[] t = new int[length];
        int prefix = length - prompt.length - answer.length;
        System.arraycopy(corpus.text(r, Math.max(prefix, 1)).tokens(), 0, t, 0, prefix);
        System.arraycopy(prompt, 0, t, prefix, prompt.length);
        System.arraycopy(answer, 0, t, length - answer.length, answer.length);
        return new TrainingExample(t, length - answer.length, answer.length);
      }
      public List<int[]> validation(int length) { return List.of(); }
    };
    boolean trainerRecall = System.getenv("TRECALL") != null;
    int pk = System.getenv("RECALL") == null && !trainerRecall ? lanes : lanes / 2;
    int recallLanes = trainerRecall ? lanes - pk : 0;
    // env SEED=s: another initialisation and data order (default: init 3, data 17)
    long seed = Long.parseLong(System.getenv().getOrDefault("SEED", "0"));
    TrainOptions o = new TrainOptions(steps, lanes, k, lr, 0.01, 0.0, 20, 0.1, 1.0, pk, recallLanes, 32, 1.0, 1, false, 5, 5, 0, 0, 17 + seed, 100, 100000);
    Path run = dir.resolve("train");
    ModelWeights start = ModelWeights.randomInit(config, 3 + seed);
    if (from != null) {
      start = ModelBundle.load(Path.of(from)).weights();
      if (System.getenv("GATE_INIT") != null) start = start.withGates(Double.parseDouble(System.getenv("GATE_INIT")));
      // a segment-length curriculum: the same weights read in segments of `segment` tokens
      ModelConfig c = start.config();
      start = new ModelWeights(new ModelConfig(c.vocabSize(), c.dModel(), c.nLayers(), c.nHeads(), c.nKvHeads(), c.dHead(), c.ffnHidden(), segment, c.memoryRule(), c.ropeTheta(), c.normEps(), c.tiedEmbeddings(), c.gateInit(), c.memoryKeyShift()), start.tensors(), start.provenance());
    }
    // env STOP=n: stop after n steps of a schedule planned over `steps` (a long plan keeps the rate at its peak)
    int stop = Integer.parseInt(System.getenv().getOrDefault("STOP", String.valueOf(steps)));
    try (Trainer t = Trainer.start(start, o, data, run, tokFile)) { t.runUntil(stop); }
    List<String> lines = Files.readAllLines(run.resolve("train-log.tsv"));
    int block = Math.max(1, (lines.size() - 1) / 12);
    for (int i = 1; i + block <= lines.size(); i += block) {
      double nll = 0, exact = 0;
      for (int j = i; j < i + block; j++) { String[] c = lines.get(j).split("\t"); nll += Double.parseDouble(c[3]); exact += Double.parseDouble(c[12]); }
      String[] last = lines.get(i + block - 1).split("\t");
      System.out.printf(Locale.ROOT, "steps %s-%s answer_nll %.3f exact %.3f gates %s%n", lines.get(i).split("\t")[0], last[0], nll / block, exact / block, last[11]);
    }
    if (System.getenv("NOEVAL") != null) return;
    ModelBundle trained = ModelBundle.load(run.resolve("checkpoint"));
    SparkSession spark = SparkSessions.forTests();
    // env EVAL_SEGMENTS=2,4,8: evaluate at these lengths in segments (default: the training window)
    List<Long> lengths = new ArrayList<>();
    for (String n : System.getenv().getOrDefault("EVAL_SEGMENTS", String.valueOf(k)).split(",")) lengths.add((Long.parseLong(n) - 1) * segment + segment / 2);
    List<Row> grid = PasskeyEvaluation.generated(spark, trained, PasskeySpec.paper().withDigits(maxDigits), new PasskeySets.Grid(lengths, List.of(0.0, 0.1), 8, 1_000_000), dir.resolve("eval").toString(), new RecurOptions(4, 0, DevicePolicy.CPU, "float32"), new Progress(spark, System.out, false, 0));
    for (Row r : spark.read().parquet(dir.resolve("eval/passkey").toString()).collectAsList()) System.out.println(r.getString(0) + " key " + r.getString(3) + " -> " + r.getString(5).strip());
    System.out.println("GRID " + grid);
    spark.stop();
  }
}
