package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Reads documents side by side, one lane each and the memory carried, then continues every one of
 * them after a prompt (greedy, or sampled by {@link Sampling}): what passkey answering and
 * abstractive summaries both need, batched as the recur stage is.
 *
 * <p>Each new token comes from the model's next-token distribution given the memory of every full
 * segment before it and local attention over the open one. The open segment is re-read with each
 * new token without writing it (the functional {@link InfiniTransformer#peek}); once full it is
 * written, and the next segment starts. A lane that has nothing to read in a step is padded with
 * keep = 0, which writes nothing into its memory, so lanes of different lengths share every step.
 */
public final class Continuation {
  private final InfiniTransformer model;
  private final NDManager base;

  /** Step arrays are opened as children of {@code base}, one scope per step. */
  public Continuation(InfiniTransformer model, NDManager base) {
    this.model = model;
    this.base = base;
  }

  /**
   * Reads each document with {@code prompt} after it and generates {@code maxNewTokens} per
   * document, all documents in one batch. Document and prompt are cut into segments from their end
   * ({@link #cutFromEnd}), so the open segment that generation continues holds the prompt's end and
   * room for the first {@code min(maxNewTokens, segment length / 2)} new tokens: an answer is
   * generated with its question in local attention, wherever the document's length would have put a
   * segment boundary. Everything before the open segment is written into the memory.
   *
   * @param documents per document, its tokens in order, in any number of pieces
   * @param sampling per document, how its tokens are chosen (its seed included)
   * @return per document, the generated token ids
   */
  public int[][] afterDocuments(
      List<List<int[]>> documents, int[] prompt, int maxNewTokens, List<Sampling> sampling) {
    int lanes = documents.size();
    int t = model.config().segmentLength();
    if (prompt.length > t) {
      throw new IllegalArgumentException(
          "a prompt of " + prompt.length + " tokens is longer than a segment");
    }
    int room = Math.min(maxNewTokens, t / 2);
    int[][][] written = new int[lanes][][];
    int[][] open = new int[lanes][];
    for (int lane = 0; lane < lanes; lane++) {
      List<int[]> segments = cutFromEnd(documents.get(lane), prompt, t, room);
      written[lane] = segments.subList(0, segments.size() - 1).toArray(int[][]::new);
      open[lane] = segments.get(segments.size() - 1);
    }
    try (MemoryState state = model.newState(base, lanes)) {
      int steps = Arrays.stream(written).mapToInt(w -> w.length).max().orElse(0);
      for (int s = 0; s < steps; s++) {
        int[][] segment = new int[lanes][];
        for (int lane = 0; lane < lanes; lane++) {
          segment[lane] = s < written[lane].length ? written[lane][s] : new int[0];
        }
        write(state, segment);
      }
      return generate(state, open, maxNewTokens, sampling);
    }
  }

  /**
   * Continues each lane's open segment, the memory of everything before it in {@code state} (one
   * lane per open segment), which advances in place as open segments fill up.
   */
  public int[][] generate(
      MemoryState state, int[][] openSegments, int maxNewTokens, List<Sampling> sampling) {
    int lanes = openSegments.length;
    if (state.batchSize() != lanes || sampling.size() != lanes) {
      throw new IllegalArgumentException(
          "lanes: "
              + lanes
              + " open segments, "
              + state.batchSize()
              + " in the memory, "
              + sampling.size()
              + " samplings");
    }
    int t = model.config().segmentLength();
    int[][] open = Arrays.stream(openSegments).map(int[]::clone).toArray(int[][]::new);
    SplittableRandom[] random =
        sampling.stream().map(s -> new SplittableRandom(s.seed())).toArray(SplittableRandom[]::new);
    int[][] generated = new int[lanes][maxNewTokens];
    for (int i = 0; i < maxNewTokens; i++) {
      float[][] next = lastLogits(state, open);
      int[][] full = new int[lanes][];
      for (int lane = 0; lane < lanes; lane++) {
        generated[lane][i] = sampling.get(lane).choose(next[lane], random[lane]);
        full[lane] = open[lane].length == t ? open[lane] : new int[0];
      }
      if (Arrays.stream(full).anyMatch(f -> f.length > 0)) {
        write(state, full);
      }
      for (int lane = 0; lane < lanes; lane++) {
        int[] token = {generated[lane][i]};
        open[lane] = full[lane].length > 0 ? token : concat(open[lane], token);
      }
    }
    return generated;
  }

  /** Per lane, the logits after its open segment's last token; nothing is written. */
  private float[][] lastLogits(MemoryState state, int[][] open) {
    Padded batch = Padded.of(open);
    try (NDManager scope = base.newSubManager()) {
      NDArray logits = model.peek(batch.ids(scope), batch.keep(scope), state);
      float[][] last = new float[open.length][];
      for (int lane = 0; lane < open.length; lane++) {
        last[lane] = logits.get(lane, open[lane].length - 1).toFloatArray();
      }
      return last;
    }
  }

  /**
   * Writes each lane's segment into its memory; an empty segment leaves that lane's memory as it
   * is.
   */
  private void write(MemoryState state, int[][] segment) {
    Padded batch = Padded.of(segment);
    try (NDManager scope = base.newSubManager()) {
      model.step(batch.ids(scope), batch.keep(scope), state);
    }
  }

  /**
   * The pieces' tokens and then the prompt's, cut into segments of {@code t} tokens from the end:
   * the last holds at most {@code t - room} tokens (all of them if there are no more), the ones
   * before it {@code t}, and the first whatever is left (1..t).
   */
  static List<int[]> cutFromEnd(List<int[]> pieces, int[] prompt, int t, int room) {
    if (room < 0 || room >= t) {
      throw new IllegalArgumentException("room for " + room + " tokens in segments of " + t);
    }
    int[] tokens =
        IntStream.concat(pieces.stream().flatMapToInt(Arrays::stream), Arrays.stream(prompt))
            .toArray();
    List<int[]> out = new ArrayList<>();
    int end = tokens.length;
    int start = Math.max(0, end - (t - room));
    out.add(Arrays.copyOfRange(tokens, start, end));
    for (end = start; end > 0; end = start) {
      start = Math.max(0, end - t);
      out.add(Arrays.copyOfRange(tokens, start, end));
    }
    Collections.reverse(out);
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Lanes of token ids right-padded to the longest, with keep = 1 on real tokens only. */
  private record Padded(int[] ids, float[] keep, int lanes, int width) {
    static Padded of(int[][] lanes) {
      int width = Math.max(1, Arrays.stream(lanes).mapToInt(l -> l.length).max().orElse(1));
      int[] ids = new int[lanes.length * width];
      float[] keep = new float[lanes.length * width];
      for (int lane = 0; lane < lanes.length; lane++) {
        System.arraycopy(lanes[lane], 0, ids, lane * width, lanes[lane].length);
        Arrays.fill(keep, lane * width, lane * width + lanes[lane].length, 1f);
      }
      return new Padded(ids, keep, lanes.length, width);
    }

    NDArray ids(NDManager scope) {
      return scope.create(ids, new Shape(lanes, width));
    }

    NDArray keep(NDManager scope) {
      return scope.create(keep, new Shape(lanes, width));
    }
  }
}
