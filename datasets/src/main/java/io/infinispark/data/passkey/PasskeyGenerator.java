package io.infinispark.data.passkey;

import io.infinispark.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Passkey-retrieval examples of a given length in model tokens, built as a stream of token ids:
 * instruction, filler sentences in turn, the needle at the requested depth, more filler, the
 * question. Each piece is tokenized once, so a 1M-token example costs no more memory than one
 * segment. That equals tokenizing the whole text only when pieces joined by a space never merge
 * across the join; the constructor checks this for the tokenizer given and refuses otherwise.
 */
public final class PasskeyGenerator implements java.io.Serializable {
  private final PasskeySpec spec;
  private final TextTokenizer tokenizer;
  private final int[] instruction;
  private final int[][] filler;
  private final int[] question;

  public PasskeyGenerator(PasskeySpec spec, TextTokenizer tokenizer) {
    this.spec = spec;
    this.tokenizer = tokenizer;
    this.instruction = tokenizer.encode(spec.instruction());
    this.filler = spec.filler().stream().map(s -> tokenizer.encode(" " + s)).toArray(int[][]::new);
    this.question = tokenizer.encode(" " + spec.question());
    checkPiecesTokenizeAlone();
  }

  public PasskeySpec spec() {
    return spec;
  }

  /** The key for a seed: {@code digits} digits, no leading zero. */
  public String key(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder key = new StringBuilder().append(1 + random.nextInt(9));
    for (int i = 1; i < spec.digits(); i++) {
      key.append(random.nextInt(10));
    }
    return key.toString();
  }

  /** Plans an example: how many filler sentences, where the needle goes, how long it is. */
  public PasskeyExample example(long requestedTokens, double depth, long seed) {
    if (depth < 0 || depth > 1) {
      throw new IllegalArgumentException("depth must be in [0, 1], got " + depth);
    }
    String key = key(seed);
    int[] needle = needle(key);
    long fixed = instruction.length + needle.length + question.length;
    long cycle = Arrays.stream(filler).mapToLong(s -> s.length).sum();
    long cycles = Math.max(0, (requestedTokens - fixed) / cycle);
    long sentences = cycles * filler.length;
    long length = fixed + cycles * cycle;
    while (length + filler[(int) (sentences % filler.length)].length <= requestedTokens) {
      length += filler[(int) (sentences++ % filler.length)].length;
    }
    long before = Math.round(depth * sentences);
    long needleOffset = instruction.length + fillerTokens(before);
    String id =
        String.format(
            Locale.ROOT, "passkey-%d-d%03d-s%d", requestedTokens, Math.round(depth * 100), seed);
    return new PasskeyExample(id, requestedTokens, depth, key, seed, length, needleOffset);
  }

  /** The example's token ids, {@code chunk} at a time (the last chunk may be shorter). */
  public Iterator<int[]> tokens(PasskeyExample example, int chunk) {
    return new Chunks(new Pieces(example), example.tokens(), chunk);
  }

  /** The example's token ids in one array, for examples that fit in memory. */
  public int[] allTokens(PasskeyExample example) {
    int[] out = new int[Math.toIntExact(example.tokens())];
    int at = 0;
    for (Iterator<int[]> chunks = tokens(example, 4096); chunks.hasNext(); ) {
      int[] chunk = chunks.next();
      System.arraycopy(chunk, 0, out, at, chunk.length);
      at += chunk.length;
    }
    return out;
  }

  /** The whole example as text, for small examples and for people to read. */
  public String text(PasskeyExample example) {
    StringBuilder text = new StringBuilder(spec.instruction());
    long sentences = sentenceCount(example);
    long before = Math.round(example.depth() * sentences);
    for (long s = 0; s < sentences; s++) {
      if (s == before) {
        text.append(' ').append(spec.needle().replace("{key}", example.key()));
      }
      text.append(' ').append(spec.filler().get((int) (s % filler.length)));
    }
    if (before == sentences) {
      text.append(' ').append(spec.needle().replace("{key}", example.key()));
    }
    return text.append(' ').append(spec.question()).toString();
  }

  /** Tokens of the needle sentence for this key. */
  public int needleTokens(String key) {
    return needle(key).length;
  }

  /** The needle sentence's token ids for this key (with its leading space). */
  public int[] needleIds(String key) {
    return needle(key).clone();
  }

  /** The question's token ids (with its leading space); the answer follows them. */
  public int[] questionIds() {
    return question.clone();
  }

  private int[] needle(String key) {
    return tokenizer.encode(" " + spec.needle().replace("{key}", key));
  }

  private long fillerTokens(long sentences) {
    long cycle = Arrays.stream(filler).mapToLong(s -> s.length).sum();
    long tokens = sentences / filler.length * cycle;
    for (int i = 0; i < sentences % filler.length; i++) {
      tokens += filler[i].length;
    }
    return tokens;
  }

  private long sentenceCount(PasskeyExample e) {
    long fillerLength = e.tokens() - instruction.length - needle(e.key()).length - question.length;
    long cycle = Arrays.stream(filler).mapToLong(s -> s.length).sum();
    long sentences = fillerLength / cycle * filler.length;
    long left = fillerLength % cycle;
    for (int i = 0; left > 0; i++) {
      left -= filler[i].length;
      sentences++;
    }
    return sentences;
  }

  private void checkPiecesTokenizeAlone() {
    PasskeyExample small =
        example(instruction.length + question.length + 60 + 3L * filler.length * 12, 0.5, 1);
    if (!Arrays.equals(allTokens(small), tokenizer.encode(text(small)))) {
      throw new IllegalArgumentException(
          "this tokenizer merges tokens across the passkey pieces, so examples cannot be streamed");
    }
  }

  /** The pieces of an example in order, as token arrays. */
  private final class Pieces implements Iterator<int[]> {
    private final long sentences;
    private final long before;
    private final int[] needle;
    private long next = -1; // -1: instruction; 0..sentences-1: filler; then question
    private boolean needleDone;

    Pieces(PasskeyExample e) {
      this.sentences = sentenceCount(e);
      this.before = Math.round(e.depth() * sentences);
      this.needle = needle(e.key());
    }

    @Override
    public boolean hasNext() {
      return next <= sentences;
    }

    @Override
    public int[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (next == -1) {
        next++;
        return instruction;
      }
      if (next == before && !needleDone) {
        needleDone = true;
        return needle;
      }
      if (next == sentences) {
        next++;
        return question;
      }
      return filler[(int) (next++ % filler.length)];
    }
  }

  /** Re-cuts a stream of token pieces into chunks of a fixed size. */
  private static final class Chunks implements Iterator<int[]> {
    private final Iterator<int[]> pieces;
    private final int chunk;
    private long left;
    private int[] piece = new int[0];
    private int inPiece;

    Chunks(Iterator<int[]> pieces, long total, int chunk) {
      this.pieces = pieces;
      this.left = total;
      this.chunk = chunk;
    }

    @Override
    public boolean hasNext() {
      return left > 0;
    }

    @Override
    public int[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int[] out = new int[(int) Math.min(chunk, left)];
      for (int i = 0; i < out.length; i++) {
        while (inPiece == piece.length) {
          piece = pieces.next();
          inPiece = 0;
        }
        out[i] = piece[inPiece++];
      }
      left -= out.length;
      return out;
    }
  }
}
