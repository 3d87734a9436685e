import io.infinispark.model.*;
import io.infinispark.train.*;
import java.nio.file.*;
import java.util.*;

/** Probe: can the trainer teach copying? Random strings of L tokens, repeated after a gap; loss on the repeat. */
public class CopyProbe {
  public static void main(String[] a) throws Exception {
    int vocab = Integer.parseInt(a[0]), d = Integer.parseInt(a[1]), layers = Integer.parseInt(a[2]);
    int seg = Integer.parseInt(a[3]), k = Integer.parseInt(a[4]), len = Integer.parseInt(a[5]);
    boolean across = a[6].equals("across"); int steps = Integer.parseInt(a[7]); double lr = Double.parseDouble(a[8]);
    int lanes = Integer.parseInt(a[9]); String from = a.length > 10 ? a[10] : null;
    ModelWeights init = from != null ? Checkpoint.load(Path.of(from))
        : ModelWeights.randomInit(new ModelConfig(vocab, d, layers, d / 32, d / 32, 32, 3 * d, seg, MemoryRule.valueOf(System.getenv().getOrDefault("RULE","DELTA")), 10000, 1e-5, true, 0), 7);
    int V = init.config().vocabSize(); int S = init.config().segmentLength();
    TrainingData data = new TrainingData() {
      long calls;
      public TrainingExample text(SplittableRandom r, int length) {
        int[] t = new int[length];
        if (System.getenv("SIMPLE") != null) {
          int x = 10 + r.nextInt(Math.min(V, 4000) - 10);
          for (int i = 0; i < length; i++) t[i] = i < S ? x : 100 + (i % 8);
          t[length - 1] = x;
          return new TrainingExample(t, length - 1, 1);
        }
        boolean filler = System.getenv("FILLER") != null;
        for (int i = 0; i < length; i++) t[i] = filler ? 100 + (i % 8) : 10 + r.nextInt(Math.min(V, 4000) - 10);
        // first copy: in segment 0 (across) or early in the last segment (within); repeat ends the window
        int ansStart = length - len;
        calls++;
        int switchAt = Integer.parseInt(System.getenv().getOrDefault("SWITCH", "0"));
        boolean acrossHere = across && (System.getenv("MIXED") == null || r.nextBoolean()) && calls / lanes >= switchAt;
        int src = acrossHere ? r.nextInt(Math.max(1, S - len)) : (k - 1) * S + r.nextInt(Math.max(1, ansStart - (k - 1) * S - len));
        if (filler) { for (int i = 0; i < len; i++) t[src + i] = 10 + r.nextInt(Math.min(V, 4000) - 10); }
        for (int i = 0; i < len; i++) t[ansStart + i] = t[src + i];
        t[ansStart - 1] = 3; t[src > 0 ? src - 1 : 0] = 3; // a marker token before both copies
        return System.getenv("ALL") != null ? TrainingExample.text(t) : new TrainingExample(t, ansStart + 1, len - 1);
      }
      public TrainingExample passkey(SplittableRandom r, int length, int e) { throw new UnsupportedOperationException(); }
      public List<int[]> validation(int length) { return List.of(); }
    };
    TrainOptions o = new TrainOptions(steps, lanes, k, lr, 0.01, 0.0, 20, 0.1, 1.0, 0, 0, 1, 1.0, 1, false, 5, 5, 0, 0, 1, 100000, 100000);
    Path dir = Files.createTempDirectory("probe");
    try (Trainer t = Trainer.start(init, o, data, dir, Path.of("/work/main/model-udfs/models/default/tokenizer.json"))) {
      t.runUntil(steps);
    }
    List<String> lines = Files.readAllLines(dir.resolve("train-log.tsv"));
    for (int i = 1; i < lines.size(); i += Math.max(1, lines.size() / 25)) {
      String[] c = lines.get(i).split("\t"); System.out.println("step " + c[0] + " text_nll " + c[2] + " answer_nll " + c[3] + " gnorm " + c[4] + " tok/s " + c[6] + " gates " + (c.length > 11 ? c[11] : ""));
    }
    String[] c = lines.get(lines.size() - 1).split("\t"); System.out.println("last step " + c[0] + " answer_nll " + c[3]);
  }
}
