package io.infinispark.model;

import java.util.List;

/**
 * Where a {@link Recurrence} saves each document's reading state every {@link #every()} segments
 * and at its end, and finds them again: a retried task or a resumed run goes on from a document's
 * last saved state instead of its first page, with the same numbers.
 */
public interface StateStore {
  /** Save after every this many segments of a document (and after its last). */
  int every();

  void save(ReadState state);

  /** The states saved for a document, in order of segments read; empty when none. */
  List<ReadState> saved(String docId);

  /**
   * The state a document's reading starts from — the kept final state of an earlier reading of the
   * same book, when new text is appended to it — or null to start with an empty memory.
   */
  default ReadState initial(String docId) {
    return null;
  }
}
