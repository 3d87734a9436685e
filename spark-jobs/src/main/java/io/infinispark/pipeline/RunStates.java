package io.infinispark.pipeline;

import io.infinispark.model.ReadState;
import io.infinispark.model.StateStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

/**
 * A recur stage's saved reading states in the run directory, on whatever file system holds it
 * (written by the executors): {@code states/<stage>/<doc key>/<segments read>.state} every {@code
 * every} segments, and {@code states/<stage>-final/<doc key>.state} when a document is finished.
 * The doc key is a hash of the doc id, so any id makes a safe file name. Each file is written under
 * a temporary name and renamed, so a task killed mid-write leaves no half file behind.
 */
public final class RunStates implements StateStore, Serializable {
  private final String checkpoints;
  private final String finals;
  private final String continueFrom; // an earlier run's <stage>-final directory, or null
  private final int every;
  private final boolean keep;
  private final SerializableConfiguration hadoop;

  RunStates(String runDir, String stage, StateOptions options, SerializableConfiguration hadoop) {
    this(runDir, stage, options.every(), options.keep(), options.continueFrom(), hadoop);
  }

  RunStates(
      String runDir,
      String stage,
      int every,
      boolean keep,
      String continueFromRun,
      SerializableConfiguration hadoop) {
    this.keep = keep;
    this.checkpoints = runDir + "/states/" + stage;
    this.finals = finalDirectory(runDir, stage);
    this.continueFrom = continueFromRun == null ? null : finalDirectory(continueFromRun, stage);
    this.every = every > 0 ? every : Integer.MAX_VALUE;
    this.hadoop = hadoop;
  }

  /** Where a run keeps its documents' final states for a stage. */
  static String finalDirectory(String runDir, String stage) {
    return runDir + "/states/" + stage + "-final";
  }

  String checkpointDirectory() {
    return checkpoints;
  }

  String finalDirectory() {
    return finals;
  }

  /**
   * At the end of the stage, when every score is in its table: the checkpoints go, and the final
   * states too unless they are kept.
   */
  void finish() {
    try {
      Path dir = new Path(checkpoints);
      FileSystem fs = dir.getFileSystem(hadoop.value());
      fs.delete(dir, true);
      if (!keep) {
        fs.delete(new Path(finals), true);
        Path states = dir.getParent();
        FileStatus[] left = fs.exists(states) ? fs.listStatus(states) : new FileStatus[0];
        if (left.length == 0) {
          fs.delete(states, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + checkpoints, e);
    }
  }

  @Override
  public int every() {
    return every;
  }

  @Override
  public void save(ReadState state) {
    Path file =
        state.finished()
            ? new Path(finals, key(state.docId()) + ".state")
            : new Path(
                checkpoints + "/" + key(state.docId()),
                String.format("%010d.state", state.segmentsRead()));
    try {
      FileSystem fs = file.getFileSystem(hadoop.value());
      Path partial = new Path(file.getParent(), "." + file.getName() + ".partial");
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(fs.create(partial, true), 1 << 16))) {
        state.writeTo(out);
      }
      fs.delete(file, false);
      if (!fs.rename(partial, file)) {
        throw new IOException("could not rename " + partial + " to " + file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "document " + state.docId() + ": cannot save its reading state to " + file, e);
    }
  }

  @Override
  public List<ReadState> saved(String docId) {
    List<ReadState> states = new ArrayList<>();
    try {
      Path dir = new Path(checkpoints, key(docId));
      FileSystem fs = dir.getFileSystem(hadoop.value());
      if (fs.exists(dir)) {
        for (FileStatus f : fs.listStatus(dir)) {
          if (f.getPath().getName().endsWith(".state") && !f.getPath().getName().startsWith(".")) {
            addIfOf(docId, read(fs, f.getPath()), states);
          }
        }
      }
      Path last = new Path(finals, key(docId) + ".state");
      if (fs.exists(last)) {
        addIfOf(docId, read(fs, last), states);
      }
    } catch (IOException e) {
      return List.of(); // unreadable: the document is read again from its first segment
    }
    states.sort(Comparator.comparingInt(ReadState::segmentsRead));
    return states;
  }

  @Override
  public ReadState initial(String docId) {
    if (continueFrom == null) {
      return null;
    }
    Path file = new Path(continueFrom, key(docId) + ".state");
    try {
      FileSystem fs = file.getFileSystem(hadoop.value());
      if (!fs.exists(file)) {
        return null; // a document the earlier run did not read: it starts afresh
      }
      ReadState state = read(fs, file);
      if (!state.docId().equals(docId)) {
        return null;
      }
      return state;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "document " + docId + ": cannot read its kept state " + file, e);
    }
  }

  private static void addIfOf(String docId, ReadState state, List<ReadState> into) {
    if (state.docId().equals(docId)) {
      into.add(state);
    }
  }

  private static ReadState read(FileSystem fs, Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(fs.open(file), 1 << 16))) {
      return ReadState.readFrom(in);
    }
  }

  /** A file-name-safe key for a doc id: 128 bits of its SHA-256. */
  static String key(String docId) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(docId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
