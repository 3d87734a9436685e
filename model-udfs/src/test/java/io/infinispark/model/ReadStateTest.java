package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Memory-state checkpoints: a reading that stops after any saved state and goes on from it gives
 * exactly the scores of one that never stopped, and text appended to a book goes on from the book's
 * kept final state exactly as if it had been read with the book.
 */
class ReadStateTest {
  private final Random random = new Random();
  private final ModelConfig config = TestModels.tiny(MemoryRule.DELTA);
  private final ModelWeights weights = TestModels.randomWeights(config, random);
  private final int t = config.segmentLength();

  /** States kept as the bytes a run directory's files hold, so the format is exercised too. */
  private static final class BytesStore implements StateStore {
    final int every;
    final Map<String, List<byte[]>> saved = new HashMap<>();
    final Map<String, ReadState> initial = new HashMap<>();

    BytesStore(int every) {
      this.every = every;
    }

    @Override
    public int every() {
      return every;
    }

    @Override
    public void save(ReadState state) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        state.writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      saved.computeIfAbsent(state.docId(), d -> new ArrayList<>()).add(bytes.toByteArray());
    }

    @Override
    public List<ReadState> saved(String docId) {
      List<ReadState> states = new ArrayList<>();
      for (byte[] b : saved.getOrDefault(docId, List.of())) {
        states.add(read(b));
      }
      states.sort(Comparator.comparingInt(ReadState::segmentsRead));
      return states;
    }

    @Override
    public ReadState initial(String docId) {
      return initial.get(docId);
    }

    /** Only the states that pass, as if the reading had stopped before writing the others. */
    BytesStore keeping(Predicate<ReadState> kept) {
      BytesStore copy = new BytesStore(every);
      saved.forEach(
          (doc, states) -> {
            for (byte[] b : states) {
              if (kept.test(read(b))) {
                copy.saved.computeIfAbsent(doc, d -> new ArrayList<>()).add(b);
              }
            }
          });
      return copy;
    }

    static ReadState read(byte[] b) {
      try {
        return ReadState.readFrom(new DataInputStream(new ByteArrayInputStream(b)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void aReadingStoppedAfterAnySavedStateGoesOnWithTheSameScores() {
    Map<String, int[]> docs = new TreeMap<>();
    for (int d = 0; d < 5; d++) {
      docs.put(
          "doc" + d,
          TestModels.randomTokens(
              random, config.vocabSize(), t * (2 + random.nextInt(9)) + random.nextInt(t)));
    }
    int lanes = 3; // two batches, the second of two documents
    int every = 1 + random.nextInt(3);
    try (InfiniTransformer model = TestModels.load(weights)) {
      Map<String, SegmentScore> plain = byKey(read(model, docs, lanes, null));
      BytesStore store = new BytesStore(every);
      Map<String, SegmentScore> saving = byKey(read(model, docs, lanes, store));
      assertSame(plain, saving);
      int longest =
          docs.values().stream().mapToInt(d -> (d.length + t - 1) / t).max().orElseThrow();
      for (int stoppedAt = 1; stoppedAt <= longest; stoppedAt++) {
        int step = stoppedAt;
        BytesStore left = store.keeping(s -> s.segmentsRead() <= step);
        try (Recurrence again = new Recurrence(model, lanes, MemoryMode.CARRIED, left, "m")) {
          Map<String, SegmentScore> resumed = byKey(run(again, docs, lanes));
          assertSame(plain, resumed);
          if (step >= every) {
            assertTrue(again.restoredSegments() > 0, "stopped after segment " + step);
          }
        }
      }
      // a task killed while it wrote one document's state: the batch goes on from the one before
      BytesStore torn =
          store.keeping(s -> !(s.docId().equals("doc0") && s.segmentsRead() == 2 * every));
      try (Recurrence again = new Recurrence(model, lanes, MemoryMode.CARRIED, torn, "m")) {
        assertSame(plain, byKey(run(again, docs, lanes)));
      }
      // states of another model are never continued
      try (Recurrence other = new Recurrence(model, lanes, MemoryMode.CARRIED, store, "other")) {
        assertSame(plain, byKey(run(other, docs, lanes)));
        assertEquals(0, other.restoredSegments());
      }
    }
  }

  @Test
  void textAppendedToABookGoesOnFromItsKeptStateAsIfReadWithIt() {
    int[] book = TestModels.randomTokens(random, config.vocabSize(), t * (2 + random.nextInt(4)));
    int[] more =
        TestModels.randomTokens(
            random, config.vocabSize(), t * (1 + random.nextInt(3)) + 1 + random.nextInt(t - 1));
    int[] whole = new int[book.length + more.length];
    System.arraycopy(book, 0, whole, 0, book.length);
    System.arraycopy(more, 0, whole, book.length, more.length);
    int bookSegments = book.length / t;
    try (InfiniTransformer model = TestModels.load(weights)) {
      List<SegmentScore> together = read(model, Map.of("b", whole), 1, null);
      BytesStore first = new BytesStore(Integer.MAX_VALUE);
      read(model, Map.of("b", book), 1, first);
      ReadState kept = first.saved("b").get(0);
      assertTrue(kept.finished());
      assertEquals(bookSegments, kept.segmentsRead());
      BytesStore second = new BytesStore(Integer.MAX_VALUE);
      second.initial.put("b", kept);
      List<SegmentScore> appended = read(model, Map.of("b", more), 1, second);
      assertEquals(together.size() - bookSegments, appended.size());
      for (SegmentScore s : appended) {
        SegmentScore same = together.get(bookSegments + s.segIdx());
        assertEquals(same.nllSum(), s.nllSum(), "segment " + s.segIdx() + " of the appended text");
        assertArrayEquals(same.tokenNll(), s.tokenNll());
        assertEquals(same.nPredicted(), s.nPredicted()); // its first token is scored too
      }
    }
  }

  private List<SegmentScore> read(
      InfiniTransformer model, Map<String, int[]> docs, int lanes, StateStore store) {
    try (Recurrence r = new Recurrence(model, lanes, MemoryMode.CARRIED, store, "m")) {
      return run(r, docs, lanes);
    }
  }

  private static void assertSame(
      Map<String, SegmentScore> expected, Map<String, SegmentScore> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String key : expected.keySet()) {
      SegmentScore e = expected.get(key);
      SegmentScore a = actual.get(key);
      assertEquals(e.nllSum(), a.nllSum(), key);
      assertArrayEquals(e.tokenNll(), a.tokenNll(), key);
      assertEquals(e.nPredicted(), a.nPredicted(), key);
      assertEquals(e.lastOfDocument(), a.lastOfDocument(), key);
    }
  }

  private static Map<String, SegmentScore> byKey(List<SegmentScore> scores) {
    Map<String, SegmentScore> keyed = new TreeMap<>();
    for (SegmentScore s : scores) {
      SegmentScore previous = keyed.put(s.docId() + "#" + s.segIdx(), s);
      assertEquals(null, previous, "scored twice: " + s.docId() + "#" + s.segIdx());
    }
    return keyed;
  }

  private List<SegmentScore> run(Recurrence recurrence, Map<String, int[]> docs, int lanes) {
    return TestModels.read(recurrence, docs, lanes, t);
  }
}
