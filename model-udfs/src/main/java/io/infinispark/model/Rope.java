package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embedding in the HuggingFace "rotate half" layout: the first and second halves of
 * a head are the two coordinates of each rotated pair, with angle t·θ^(−2i/d). Positions count from
 * the start of the segment: local attention never crosses a segment, and RoPE only sees relative
 * distances, so segment-local positions lose nothing.
 */
final class Rope {
  private final NDArray cos; // (T, dHead)
  private final NDArray sin; // (T, dHead)
  private final int half;

  Rope(NDManager manager, int maxLength, int dHead, double theta, DataType dtype) {
    this.half = dHead / 2;
    float[] cosTable = new float[maxLength * dHead];
    float[] sinTable = new float[maxLength * dHead];
    for (int t = 0; t < maxLength; t++) {
      for (int i = 0; i < half; i++) {
        double angle = t * Math.pow(theta, -2.0 * i / dHead);
        cosTable[t * dHead + i] = cosTable[t * dHead + i + half] = (float) Math.cos(angle);
        sinTable[t * dHead + i] = sinTable[t * dHead + i + half] = (float) Math.sin(angle);
      }
    }
    this.cos = manager.create(cosTable).reshape(maxLength, dHead).toType(dtype, false);
    this.sin = manager.create(sinTable).reshape(maxLength, dHead).toType(dtype, false);
  }

  /** x (B, H, T, dHead) → x·cos + rotateHalf(x)·sin. */
  NDArray apply(NDArray x) {
    long length = x.getShape().get(2);
    NDManager scope = x.getManager();
    NDIndex firstT = new NDIndex(":{}", length);
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = x2.neg().concat(x1, -1);
    return x.mul(cos.get(scope, firstT)).add(rotated.mul(sin.get(scope, firstT)));
  }
}
