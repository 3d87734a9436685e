package io.infinispark.jobs;

import io.infinispark.data.SparkSessions;
import io.infinispark.data.passkey.*;
import io.infinispark.model.*;
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
    String book = Files.readString(Path.of("/work/main/datasets/sample/devils-dictionary.txt"), StandardCharsets.UTF_8).substring(0, 120_000);
    Path dir = Files.createTempDirectory("mpp");
    Path tokFile = dir.resolve("tokenizer.json");
    BpeTrainer bt = new BpeTrainer(512, 2);
    var tok = bt.train(List.of(book)); tok.save(tokFile);
    TextTokenizer tokenizer = Tokenizers.load(tokFile);
    PasskeyGenerator passkeys = new PasskeyGenerator(PasskeySpec.paper(), tokenizer);
    ModelConfig config = new ModelConfig(512, d, layers, d / 32, d / 32, 32, 2 * d, segment, MemoryRule.DELTA, 10000, 1e-5, true, 0);
    CorpusTrainingData corpus = new CorpusTrainingData(List.of(tokenizer.encode(book)), List.of(), passkeys, tokenizer);
    int window = k * segment + 1;
    // needle always in the first segment, question and answer in the last: only the memory can answer
    TrainingData data = new TrainingData() {
      public TrainingExample text(SplittableRandom r, int length) {
        if (System.getenv("TRECALL") != null) return corpus.text(r, length);
        if (System.getenv("RECALL") == null) return passkey(r, length, 0);
        // a corpus window with one span of segment 1 repeated at a random place in the last segment
        int[] t = corpus.text(r, length).tokens();
        int span = 32;
        int from = r.nextInt(segment - span);
        int to = (k - 1) * segment + r.nextInt(segment - span);
        System.arraycopy(t, from, t, to, span);
        return TrainingExample.text(t);
      }
      public TrainingExample passkey(SplittableRandom r, int length, int ignored) {
        if (System.getenv("EARLY") == null) {
          return corpus.passkey(r, length, (k - 1) * segment + 8 + r.nextInt(segment / 2));
        }
        // the eval's own layout: needle near the start of segment 1, question and answer in segment K
        long key = r.nextLong(1_000_000);
        int[] answer = tokenizer.encode(" " + passkeys.key(key) + ".");
        PasskeyExample e = passkeys.example(length - answer.length, 0.1 * r.nextDouble(), key);
        int[] prompt = passkeys.allTokens(e);
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
    TrainOptions o = new TrainOptions(steps, lanes, k, lr, 0.01, 0.0, 20, 0.1, 1.0, pk, recallLanes, 32, 1.0, 1, false, 17, 100, 100000);
    Path run = dir.resolve("train");
    try (Trainer t = Trainer.start(ModelWeights.randomInit(config, 3), o, data, run, tokFile)) { t.runUntil(steps); }
    List<String> lines = Files.readAllLines(run.resolve("train-log.tsv"));
    for (int i = 1; i < lines.size(); i += Math.max(1, lines.size() / 20)) { String[] c = lines.get(i).split("\t"); System.out.println("step " + c[0] + " text " + c[2] + " answer " + c[3] + " gates " + c[11]); }
    ModelBundle trained = ModelBundle.load(run.resolve("checkpoint"));
    SparkSession spark = SparkSessions.forTests();
    long len = (k - 1) * segment + segment / 2;
    List<Row> grid = EvalCommand.passkey(spark, trained, PasskeySpec.paper(), new PasskeySets.Grid(List.of(len), List.of(0.0, 0.1), 8, 1_000_000), dir.resolve("eval").toString(), new RecurOptions(4, 0, DevicePolicy.CPU, "float32"));
    for (Row r : spark.read().parquet(dir.resolve("eval/passkey").toString()).collectAsList()) System.out.println(r.getString(0) + " key " + r.getString(3) + " -> " + r.getString(5).strip());
    System.out.println("GRID " + grid);
    spark.stop();
  }
}
