package io.infinispark.cli;

import io.infinispark.tokenizer.BpeTokenizer;
import io.infinispark.tokenizer.TrainTokenizer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./run.sh train-tokenizer}: retrains the byte-level BPE on a directory of .txt files. */
@Command(
    name = "train-tokenizer",
    mixinStandardHelpOptions = true,
    description =
        "Train the byte-level BPE tokenizer on .txt files and write tokenizer.json, or derive"
            + " one that reads numbers digit by digit (--single-digits-from)")
final class TrainTokenizerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--corpus",
      description = "Directory of .txt files (default: bundled sample corpus)")
  Path corpus;

  @Option(
      names = "--out",
      description =
          "tokenizer.json to write (default: model-udfs/models/base's, which this reproduces; the"
              + " default model reads with its --single-digits-from copy)")
  Path out;

  @Option(
      names = "--vocab",
      defaultValue = "8192",
      description = "Vocabulary size (default: ${DEFAULT-VALUE})")
  int vocab;

  @Option(
      names = "--single-digits-from",
      paramLabel = "TOKENIZER_JSON",
      description =
          "Instead of training: copy this byte-level BPE without the merges that join digits,"
              + " so numbers are read one digit per token (ids unchanged, so a model trained with it still fits)")
  Path singleDigitsFrom;

  @Override
  public Integer call() throws Exception {
    if (singleDigitsFrom != null) {
      if (out == null) {
        throw new ParameterException(spec.commandLine(), "--single-digits-from needs --out");
      }
      BpeTokenizer.load(singleDigitsFrom).withoutDigitMerges().save(out);
      System.out.println("wrote " + out + ": " + singleDigitsFrom + " without digit merges");
      return 0;
    }
    Path c = corpus != null ? corpus : Defaults.home().resolve("datasets/sample");
    Path o = out != null ? out : Defaults.home().resolve("model-udfs/models/base/tokenizer.json");
    TrainTokenizer.main(new String[] {c.toString(), o.toString(), String.valueOf(vocab)});
    return 0;
  }
}
