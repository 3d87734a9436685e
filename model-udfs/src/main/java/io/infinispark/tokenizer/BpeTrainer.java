package io.infinispark.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns byte-level BPE merges from a corpus: start from the 256 bytes, repeatedly merge the most
 * frequent adjacent pair inside pre-tokenized pieces. Pair counts are updated only for the pieces a
 * merge touches, so training a 8K vocabulary on a few megabytes takes seconds. Deterministic: ties
 * go to the pair with the smaller ids.
 */
public final class BpeTrainer {
  private final int vocabSize;
  private final int minFrequency;

  /** Distinct pieces of the corpus: their symbols and how often each piece occurs. */
  private final List<int[]> words = new ArrayList<>();

  private final List<Long> frequencies = new ArrayList<>();
  private final Map<Long, Long> pairCounts = new HashMap<>();
  private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
  private final PriorityQueue<long[]> queue =
      new PriorityQueue<>(
          (a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));

  /**
   * @param vocabSize total vocabulary including the 256 bytes and the end-of-text token
   * @param minFrequency pairs seen fewer times than this are never merged
   */
  public BpeTrainer(int vocabSize, int minFrequency) {
    if (vocabSize < 257) {
      throw new IllegalArgumentException("vocabSize must be at least 257, got " + vocabSize);
    }
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
  }

  public BpeTokenizer train(Iterable<String> texts) {
    countPieces(texts);
    List<String> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
    }
    List<String[]> merges = new ArrayList<>();
    while (tokens.size() < vocabSize - 1) {
      long[] best = queue.poll();
      if (best == null) {
        break;
      }
      long pair = best[1];
      if (pairCounts.getOrDefault(pair, 0L) != best[0]) {
        continue; // stale entry: this pair's count changed after it was queued
      }
      if (best[0] < minFrequency) {
        break;
      }
      int left = (int) (pair >>> 32);
      int right = (int) pair;
      merges.add(new String[] {tokens.get(left), tokens.get(right)});
      tokens.add(tokens.get(left) + tokens.get(right));
      merge(pair, tokens.size() - 1);
    }
    tokens.add(BpeTokenizer.END_OF_TEXT);
    return new BpeTokenizer(tokens.toArray(String[]::new), merges, Set.of(tokens.size() - 1));
  }

  private void countPieces(Iterable<String> texts) {
    Map<String, Long> counts = new TreeMap<>(); // sorted: word indices do not depend on hashing
    for (String text : texts) {
      for (String piece : ByteLevel.pieces(text)) {
        counts.merge(piece, 1L, Long::sum);
      }
    }
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      byte[] utf8 = e.getKey().getBytes(StandardCharsets.UTF_8);
      int[] symbols = new int[utf8.length];
      for (int i = 0; i < utf8.length; i++) {
        symbols[i] = utf8[i] & 0xFF;
      }
      words.add(symbols);
      frequencies.add(e.getValue());
      addPairs(words.size() - 1, +1, null);
    }
    pairCounts.forEach((pair, count) -> queue.add(new long[] {count, pair}));
  }

  /** Adds (sign +1) or removes (−1) one word's pairs from the counts, noting which changed. */
  private void addPairs(int word, int sign, Set<Long> changed) {
    int[] symbols = words.get(word);
    long frequency = frequencies.get(word) * sign;
    for (int i = 0; i + 1 < symbols.length; i++) {
      long pair = BpeTokenizer.pack(symbols[i], symbols[i + 1]);
      pairCounts.merge(pair, frequency, Long::sum);
      if (sign > 0) {
        pairWords.computeIfAbsent(pair, p -> new HashSet<>()).add(word);
      }
      if (changed != null) {
        changed.add(pair);
      }
    }
  }

  private void merge(long pair, int mergedId) {
    Set<Long> changed = new HashSet<>();
    for (int word : new ArrayList<>(pairWords.getOrDefault(pair, Set.of()))) {
      int[] symbols = words.get(word);
      if (!contains(symbols, pair)) {
        continue;
      }
      addPairs(word, -1, changed);
      words.set(word, rewrite(symbols, pair, mergedId));
      addPairs(word, +1, changed);
    }
    pairWords.remove(pair);
    pairCounts.remove(pair);
    changed.remove(pair);
    for (long p : changed) {
      long count = pairCounts.getOrDefault(p, 0L);
      if (count > 0) {
        queue.add(new long[] {count, p});
      } else {
        pairCounts.remove(p);
      }
    }
  }

  private static boolean contains(int[] symbols, long pair) {
    for (int i = 0; i + 1 < symbols.length; i++) {
      if (BpeTokenizer.pack(symbols[i], symbols[i + 1]) == pair) {
        return true;
      }
    }
    return false;
  }

  private static int[] rewrite(int[] symbols, long pair, int mergedId) {
    int[] out = new int[symbols.length];
    int n = 0;
    for (int i = 0; i < symbols.length; i++) {
      if (i + 1 < symbols.length && BpeTokenizer.pack(symbols[i], symbols[i + 1]) == pair) {
        out[n++] = mergedId;
        i++;
      } else {
        out[n++] = symbols[i];
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
