package io.infinispark.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Trains the project's byte-level BPE on a directory of .txt files and writes tokenizer.json.
 * Usage: {@code TrainTokenizer CORPUS_DIR OUT_FILE [VOCAB_SIZE]}.
 */
public final class TrainTokenizer {
  private TrainTokenizer() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: TrainTokenizer CORPUS_DIR OUT_FILE [VOCAB_SIZE]");
      System.exit(2);
    }
    int vocab = args.length > 2 ? Integer.parseInt(args[2]) : 8192;
    long started = System.nanoTime();
    List<String> texts = readTexts(Path.of(args[0]));
    BpeTokenizer tokenizer = new BpeTrainer(vocab, 2).train(texts);
    tokenizer.save(Path.of(args[1]));
    long tokens = texts.stream().mapToLong(t -> tokenizer.encode(t).length).sum();
    long chars = texts.stream().mapToLong(String::length).sum();
    System.out.printf(
        "trained %d-token BPE on %d files (%d chars → %d tokens, %.2f chars/token) in %.1f s → %s%n",
        tokenizer.vocabSize(),
        texts.size(),
        chars,
        tokens,
        chars / (double) tokens,
        (System.nanoTime() - started) / 1e9,
        args[1]);
  }

  /** Every .txt file under dir, in path order (so training is deterministic). */
  public static List<String> readTexts(Path dir) throws IOException {
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
        texts.add(Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return texts;
  }
}
