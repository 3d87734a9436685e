package io.infinispark.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reading saved of one document after {@code segmentsRead} segments: enough to go on from
 * there and give the same numbers as a reading that never stopped — the memory, and the model's
 * log-probabilities at the last position read (they score the next segment's first token).
 *
 * @param modelId the model that read it (config hash and provenance): a state is only ever
 *     continued by the same model
 * @param finished whether that was the document's last segment
 * @param lastLogProbs log p(· | everything read) at the last position; null when finished
 * @param scores the scores of the segments read since the previous saved state, in order
 */
public record ReadState(
    String docId,
    String modelId,
    int segmentsRead,
    boolean finished,
    DocumentMemory memory,
    float[] lastLogProbs,
    List<SegmentScore> scores) {
  private static final int MAGIC = 0x49535331; // "ISS1"

  public ReadState {
    scores = List.copyOf(scores);
  }

  public void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeUTF(docId);
    out.writeUTF(modelId);
    out.writeInt(segmentsRead);
    out.writeBoolean(finished);
    out.writeInt(memory.memory().length);
    for (int i = 0; i < memory.memory().length; i++) {
      writeFloats(out, memory.memory()[i]);
      writeFloats(out, memory.norm()[i]);
    }
    writeFloats(out, lastLogProbs);
    out.writeInt(scores.size());
    for (SegmentScore s : scores) {
      out.writeInt(s.segIdx());
      out.writeInt(s.nTokens());
      out.writeInt(s.nPredicted());
      out.writeDouble(s.nllSum());
      writeFloats(out, s.tokenNll());
      out.writeLong(s.millis());
      out.writeBoolean(s.lastOfDocument());
    }
  }

  /** Reads what {@link #writeTo} wrote; a file of another kind or cut short is refused. */
  public static ReadState readFrom(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a saved reading state");
    }
    String docId = in.readUTF();
    String modelId = in.readUTF();
    int segmentsRead = in.readInt();
    boolean finished = in.readBoolean();
    int layers = in.readInt();
    float[][] m = new float[layers][];
    float[][] z = new float[layers][];
    for (int i = 0; i < layers; i++) {
      m[i] = readFloats(in);
      z[i] = readFloats(in);
    }
    float[] lastLogProbs = readFloats(in);
    int n = in.readInt();
    List<SegmentScore> scores = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int segIdx = in.readInt();
      int nTokens = in.readInt();
      int nPredicted = in.readInt();
      double nll = in.readDouble();
      float[] tokenNll = readFloats(in);
      long millis = in.readLong();
      boolean last = in.readBoolean();
      scores.add(
          new SegmentScore(docId, segIdx, nTokens, nPredicted, nll, tokenNll, millis, last, null));
    }
    return new ReadState(
        docId, modelId, segmentsRead, finished, new DocumentMemory(m, z), lastLogProbs, scores);
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values == null ? -1 : values.length);
    if (values != null) {
      for (float v : values) {
        out.writeFloat(v);
      }
    }
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readFloat();
    }
    return values;
  }
}
