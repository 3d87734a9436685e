package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads documents segment by segment, in order, carrying each document's memory from one segment to
 * the next and scoring every token. Up to {@code lanes} documents are read side by side as one
 * batch (what makes GPUs fast); uneven last segments are padded and masked.
 *
 * <p>Input must be ordered by (batchId, segIdx, docId) and no batch may hold more documents than
 * there are lanes. A document that breaks a rule (token out of range, missing segment, non-finite
 * loss) gets one error score and is dropped; the other lanes go on.
 */
public final class Recurrence implements AutoCloseable {
  private final InfiniTransformer model;
  private final NDManager base;
  private final int lanes;
  private final MemoryMode mode;
  private final StateStore states; // null: nothing saved or restored
  private final String modelId;
  private long restoredSegments;
  private MemoryState state;
  private long batchId = Long.MIN_VALUE;
  private final Map<String, Lane> byDoc = new HashMap<>();

  /** A document being read in one row of the batch. */
  private static final class Lane {
    int index;
    final int nSegments;
    int nextSegment;
    int restoredUpTo; // segments below this one came from a saved state: their rows are skipped
    float[] lastLogProbs; // log p(· | everything so far) at the previous segment's last position
    final List<SegmentScore> unsaved = new ArrayList<>();

    Lane(int index, int nSegments) {
      this.index = index;
      this.nSegments = nSegments;
    }
  }

  public Recurrence(InfiniTransformer model, int lanes) {
    this(model, lanes, MemoryMode.CARRIED);
  }

  /** With {@link MemoryMode#RESET}, every segment is read from an empty memory (the ablation). */
  public Recurrence(InfiniTransformer model, int lanes, MemoryMode mode) {
    this(model, lanes, mode, null, "");
  }

  /**
   * Saves each document's state in {@code states} every {@link StateStore#every()} segments and at
   * its end, and goes on from the saved states it finds there (see {@link #startBatch}).
   *
   * @param modelId names the model (config hash and provenance); states saved by another are
   *     ignored
   */
  public Recurrence(
      InfiniTransformer model, int lanes, MemoryMode mode, StateStore states, String modelId) {
    this.mode = mode;
    this.states = states;
    this.modelId = modelId;
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    }
    this.model = model;
    this.lanes = lanes;
    this.base = NDManager.newBaseManager(model.device());
  }

  /** Scores, lazily, in input order; one score per input segment. */
  public Iterator<SegmentScore> run(Iterator<SegmentInput> input) {
    PeekingIterator<SegmentInput> segments = new PeekingIterator<>(input);
    ArrayDeque<SegmentScore> ready = new ArrayDeque<>();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && segments.hasNext()) {
          ready.addAll(step(nextStep(segments)));
        }
        if (ready.isEmpty()) {
          close();
        }
        return !ready.isEmpty();
      }

      @Override
      public SegmentScore next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.poll();
      }
    };
  }

  /** The input rows that share the next (batchId, segIdx). */
  private static List<SegmentInput> nextStep(PeekingIterator<SegmentInput> segments) {
    List<SegmentInput> rows = new ArrayList<>();
    SegmentInput first = segments.next();
    rows.add(first);
    while (segments.hasNext()
        && segments.peek().batchId() == first.batchId()
        && segments.peek().segIdx() == first.segIdx()) {
      rows.add(segments.next());
    }
    return rows;
  }

  private List<SegmentScore> step(List<SegmentInput> rows) {
    long started = System.nanoTime();
    List<SegmentScore> scores = new ArrayList<>();
    if (rows.get(0).batchId() != batchId) {
      scores.addAll(startBatch(rows.get(0).batchId(), rows));
    }
    List<SegmentInput> admitted = new ArrayList<>();
    List<Lane> admittedLanes = new ArrayList<>();
    for (SegmentInput row : rows) {
      Lane known = byDoc.get(row.docId());
      if (known != null && row.segIdx() < known.restoredUpTo) {
        continue; // read before, by the reading that saved its state
      }
      if (alreadyFailed(row)) {
        continue; // it has its error score; skip the rest of it
      }
      String problem = admit(row);
      if (problem != null) {
        byDoc.computeIfPresent(row.docId(), (id, lane) -> drop(lane));
        scores.add(SegmentScore.failed(row.docId(), row.segIdx(), problem));
      } else {
        admitted.add(row);
        admittedLanes.add(byDoc.get(row.docId()));
      }
    }
    if (!admitted.isEmpty()) {
      if (mode == MemoryMode.RESET) {
        state.clear();
      }
      readSegments(admitted, admittedLanes, scores, started);
      save(admittedLanes);
    }
    dropFinishedLanes();
    return scores;
  }

  /** Segments whose scores came from saved states rather than the model, so far. */
  public long restoredSegments() {
    return restoredSegments;
  }

  /**
   * A batch's documents all start at segment 0, so its first step says how many lanes it needs.
   * With saved states, the batch goes on from the furthest segment r that every unfinished document
   * saved (they are saved in step, so normally the last one): the saved scores below r are given
   * again, and the lanes start from the memories saved at r — the same lanes, in the same order, as
   * the reading that saved them had at r, so the numbers are the same. Otherwise each document
   * starts from its {@link StateStore#initial} state or an empty memory.
   *
   * @return the scores restored from saved states
   */
  private List<SegmentScore> startBatch(long id, List<SegmentInput> first) {
    if (first.size() > lanes) {
      throw new IllegalStateException(
          "batch " + id + " holds " + first.size() + " documents; lanes: " + lanes);
    }
    batchId = id;
    byDoc.clear();
    if (state != null) {
      state.close();
      state = null;
    }
    List<SegmentScore> restored = states == null ? List.of() : restore(first);
    if (state == null) {
      List<DocumentMemory> memories = new ArrayList<>();
      for (SegmentInput row : first) {
        ReadState initial = states == null ? null : states.initial(row.docId());
        memories.add(initial == null ? null : initial.memory());
      }
      state = model.newState(base, memories);
    }
    return restored;
  }

  /** Restores the batch from saved states (and sets {@link #state}), or returns none. */
  private List<SegmentScore> restore(List<SegmentInput> first) {
    Map<String, List<ReadState>> saved = new HashMap<>();
    int resumeAt = Integer.MAX_VALUE;
    for (SegmentInput row : first) {
      if (row.segIdx() != 0 || saved.containsKey(row.docId())) {
        return List.of(); // not a well-formed batch: read it as it comes, errors and all
      }
      List<ReadState> chain = new ArrayList<>();
      for (ReadState s : states.saved(row.docId())) {
        if (s.modelId().equals(modelId)) {
          chain.add(s);
        }
      }
      saved.put(row.docId(), chain);
      boolean finished = !chain.isEmpty() && chain.get(chain.size() - 1).finished();
      if (!finished) {
        resumeAt = Math.min(resumeAt, chain.isEmpty() ? 0 : last(chain).segmentsRead());
      }
    }
    if (resumeAt == 0) {
      return List.of();
    }
    List<SegmentScore> restored = new ArrayList<>();
    List<DocumentMemory> memories = new ArrayList<>();
    Map<String, Lane> restoredLanes = new HashMap<>();
    for (SegmentInput row : first) {
      List<ReadState> prefix = new ArrayList<>();
      for (ReadState s : saved.get(row.docId())) {
        if (s.segmentsRead() <= resumeAt) {
          prefix.add(s);
        }
      }
      List<SegmentScore> scores = new ArrayList<>();
      prefix.forEach(s -> scores.addAll(s.scores()));
      ReadState at = prefix.isEmpty() ? null : last(prefix);
      if (at == null
          || !contiguous(scores, at.segmentsRead())
          || at.finished() == false && at.segmentsRead() != resumeAt) {
        return List.of(); // a gap (a state lost with its task): read the batch again
      }
      Lane lane = new Lane(-1, row.nSegments());
      lane.nextSegment = at.segmentsRead();
      lane.restoredUpTo = at.segmentsRead();
      if (!at.finished()) {
        lane.index = memories.size();
        lane.lastLogProbs = at.lastLogProbs();
        memories.add(at.memory());
      }
      restoredLanes.put(row.docId(), lane);
      restored.addAll(scores);
    }
    byDoc.putAll(restoredLanes);
    state =
        model.newState(
            base, memories.isEmpty() ? java.util.Collections.singletonList(null) : memories);
    restoredSegments += restored.size();
    return restored;
  }

  private static ReadState last(List<ReadState> chain) {
    return chain.get(chain.size() - 1);
  }

  /** Whether the scores are those of segments 0, 1, …, n − 1. */
  private static boolean contiguous(List<SegmentScore> scores, int n) {
    if (scores.size() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (scores.get(i).segIdx() != i) {
        return false;
      }
    }
    return true;
  }

  /** Saves the state of every lane that just read its {@code every}-th segment or its last. */
  private void save(List<Lane> read) {
    if (states == null) {
      return;
    }
    for (Map.Entry<String, Lane> e : byDoc.entrySet()) {
      Lane lane = e.getValue();
      if (!read.contains(lane) || lane.nextSegment < 0) {
        continue;
      }
      boolean finished = lane.nextSegment >= lane.nSegments;
      if (finished || lane.nextSegment % states.every() == 0) {
        states.save(
            new ReadState(
                e.getKey(),
                modelId,
                lane.nextSegment,
                finished,
                state.copyLane(lane.index),
                lane.lastLogProbs,
                lane.unsaved));
        lane.unsaved.clear();
      }
    }
  }

  /** Compacts the state to the documents still being read, renumbering their lanes. */
  private void dropFinishedLanes() {
    List<Lane> active = new ArrayList<>();
    for (Lane lane : byDoc.values()) {
      if (lane.nextSegment >= 0 && lane.nextSegment < lane.nSegments) {
        active.add(lane);
      }
    }
    if (active.size() == state.batchSize()) {
      return;
    }
    active.sort(Comparator.comparingInt(l -> l.index));
    int[] keep = active.stream().mapToInt(l -> l.index).toArray();
    if (keep.length > 0) {
      state.keepLanes(keep);
    }
    byDoc.values().forEach(lane -> lane.index = -1);
    for (int i = 0; i < active.size(); i++) {
      active.get(i).index = i;
    }
  }

  private static Lane drop(Lane lane) {
    lane.nextSegment = -1;
    return lane;
  }

  private boolean alreadyFailed(SegmentInput row) {
    Lane lane = byDoc.get(row.docId());
    return lane != null && lane.nextSegment < 0;
  }

  /** Checks a row and gives its document a lane on segment 0; returns why it can't be read. */
  private String admit(SegmentInput row) {
    Lane lane = byDoc.get(row.docId());
    if (row.segIdx() == 0 && lane == null) {
      // the state has one lane per document that started in the batch's first step
      if (byDoc.size() >= state.batchSize()) {
        throw new IllegalStateException(
            "batch "
                + row.batchId()
                + ": document "
                + row.docId()
                + " starts after the batch's first step; input must be ordered by (batch, segment, document)");
      }
      lane = new Lane(byDoc.size(), row.nSegments());
      ReadState initial = states == null ? null : states.initial(row.docId());
      if (initial != null) {
        lane.lastLogProbs = initial.lastLogProbs(); // scores the new text's first token
      }
      byDoc.put(row.docId(), lane);
    }
    if (lane == null) {
      return "segment " + row.segIdx() + " arrived without segment 0";
    }
    if (lane.nextSegment >= lane.nSegments) {
      return "segment "
          + row.segIdx()
          + " is beyond the document's "
          + lane.nSegments
          + " segments";
    }
    if (lane.nextSegment != row.segIdx()) {
      return "expected segment " + lane.nextSegment + " but got " + row.segIdx();
    }
    int[] tokens = row.tokens();
    if (tokens == null || tokens.length == 0 || tokens.length > model.config().segmentLength()) {
      return "segment "
          + row.segIdx()
          + " has "
          + (tokens == null ? 0 : tokens.length)
          + " tokens; expected 1.."
          + model.config().segmentLength();
    }
    for (int token : tokens) {
      if (token < 0 || token >= model.config().vocabSize()) {
        return "token id "
            + token
            + " outside the vocabulary [0, "
            + model.config().vocabSize()
            + ")";
      }
    }
    return null;
  }

  private void readSegments(
      List<SegmentInput> rows, List<Lane> rowLanes, List<SegmentScore> scores, long started) {
    int t = rows.stream().mapToInt(r -> r.tokens().length).max().orElseThrow();
    int b = state.batchSize();
    int[] ids = new int[b * t];
    float[] keep = new float[b * t];
    long[] targets = new long[b * t];
    for (int i = 0; i < rows.size(); i++) {
      int[] tokens = rows.get(i).tokens();
      int offset = rowLanes.get(i).index * t;
      System.arraycopy(tokens, 0, ids, offset, tokens.length);
      for (int j = 0; j < tokens.length; j++) {
        keep[offset + j] = 1f;
        targets[offset + j] = j + 1 < tokens.length ? tokens[j + 1] : 0;
      }
    }
    try (NDManager scope = base.newSubManager()) {
      NDArray logits =
          model.step(
              scope.create(ids, new Shape(b, t)), scope.create(keep, new Shape(b, t)), state);
      NDArray logProbs = logits.logSoftmax(-1); // (B, T, V)
      float[] picked =
          logProbs.gather(scope.create(targets, new Shape(b, t, 1)), -1).toFloatArray();
      long millis = (System.nanoTime() - started) / 1_000_000;
      for (int i = 0; i < rows.size(); i++) {
        scores.add(score(rows.get(i), rowLanes.get(i), picked, logProbs, t, millis));
      }
    }
  }

  private SegmentScore score(
      SegmentInput row, Lane lane, float[] picked, NDArray logProbs, int t, long millis) {
    int[] tokens = row.tokens();
    float[] tokenNll = new float[tokens.length];
    tokenNll[0] = lane.lastLogProbs != null ? -lane.lastLogProbs[tokens[0]] : Float.NaN;
    for (int j = 0; j + 1 < tokens.length; j++) {
      tokenNll[j + 1] = -picked[lane.index * t + j];
    }
    int firstScored = lane.lastLogProbs != null ? 0 : 1;
    double nll = 0;
    for (int j = firstScored; j < tokens.length; j++) {
      nll += tokenNll[j];
    }
    int predicted = tokens.length - firstScored;
    lane.nextSegment++;
    if (!Double.isFinite(nll)) {
      drop(lane);
      return SegmentScore.failed(
          row.docId(), row.segIdx(), "non-finite loss at segment " + row.segIdx());
    }
    boolean more = lane.nextSegment < lane.nSegments;
    // kept after the last segment too when states are saved: appended text goes on from it
    lane.lastLogProbs =
        more || states != null ? logProbs.get(lane.index, tokens.length - 1).toFloatArray() : null;
    SegmentScore score =
        new SegmentScore(
            row.docId(),
            row.segIdx(),
            tokens.length,
            predicted,
            nll,
            tokenNll,
            millis,
            !more,
            null);
    if (states != null) {
      lane.unsaved.add(score);
    }
    return score;
  }

  @Override
  public void close() {
    base.close();
  }

  /** An iterator that can look one element ahead. */
  private static final class PeekingIterator<T> implements Iterator<T> {
    private final Iterator<T> source;
    private T peeked;

    PeekingIterator(Iterator<T> source) {
      this.source = source;
    }

    T peek() {
      if (peeked == null) {
        peeked = source.next();
      }
      return peeked;
    }

    @Override
    public boolean hasNext() {
      return peeked != null || source.hasNext();
    }

    @Override
    public T next() {
      T value = peek();
      peeked = null;
      return value;
    }
  }
}
