package io.infinispark.jobs;

import io.infinispark.tokenizer.TrainTokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./run.sh train-tokenizer}: retrains the byte-level BPE on a directory of .txt files. */
@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
    description = "Train the byte-level BPE tokenizer on .txt files and write tokenizer.json")
final class TrainTokenizerCommand implements Callable<Integer> {
  @Option(names = "--corpus", description = "Directory of .txt files (default: bundled sample corpus)")
  Path corpus;

  @Option(names = "--out", description = "tokenizer.json to write (default: the default model's)")
  Path out;

  @Option(names = "--vocab", defaultValue = "8192", description = "Vocabulary size (default: ${DEFAULT-VALUE})")
  int vocab;

  @Override
  public Integer call() throws Exception {
    Path c = corpus != null ? corpus : Main.home().resolve("datasets/sample");
    Path o = out != null ? out : Main.home().resolve("model-udfs/models/default/tokenizer.json");
    TrainTokenizer.main(new String[] {c.toString(), o.toString(), String.valueOf(vocab)});
    return 0;
  }
}
