package io.infinispark.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.infinispark.model.HostTensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019): m ← β1·m + (1−β1)·g, v ← β2·v +
 * (1−β2)·g², w ← w − lr·(m̂ / (√v̂ + ε) + λ·w), with bias-corrected m̂, v̂. Written here rather
 * than taken from DJL because an exact resume needs the moments in the checkpoint, and DJL's Adam
 * keeps them private (and adds decay to the gradient, which is L2, not AdamW).
 */
final class AdamW implements AutoCloseable {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.95;
  static final double EPSILON = 1e-8;

  private final NDManager manager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private int updates;

  AdamW(NDManager parent, Map<String, NDArray> parameters) {
    this.manager = parent.newSubManager();
    parameters.forEach(
        (name, p) -> {
          firstMoments.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
          secondMoments.put(name, manager.zeros(p.getShape(), DataType.FLOAT32));
        });
  }

  /** Counts one optimisation step; call before the step's {@link #update}s. */
  void beginStep() {
    updates++;
  }

  int steps() {
    return updates;
  }

  /**
   * Updates one weight in place from its (already clipped) gradient. Temporaries live in {@code
   * scope}; the weight's values change but its autograd identity does not.
   */
  void update(
      NDManager scope, String name, NDArray weight, NDArray gradient, double lr, double decay) {
    NDArray m = firstMoments.get(name);
    NDArray v = secondMoments.get(name);
    m.tempAttach(scope);
    v.tempAttach(scope);
    m.muli(BETA1).addi(gradient.mul(1 - BETA1));
    v.muli(BETA2).addi(gradient.square().muli(1 - BETA2));
    double firstCorrection = 1 - Math.pow(BETA1, updates);
    double secondCorrection = 1 - Math.pow(BETA2, updates);
    NDArray change = m.div(firstCorrection).divi(v.div(secondCorrection).sqrt().addi(EPSILON));
    NDArray values = weight.stopGradient();
    values.attach(scope);
    if (decay > 0) {
      change.addi(values.mul(decay));
    }
    values.subi(change.muli(lr));
  }

  /** The moments as host tensors, named {@code m.<weight>} and {@code v.<weight>}. */
  Map<String, HostTensor> state() {
    Map<String, HostTensor> state = new LinkedHashMap<>();
    firstMoments.forEach((name, m) -> state.put("m." + name, HostTensor.copyOf(m)));
    secondMoments.forEach((name, v) -> state.put("v." + name, HostTensor.copyOf(v)));
    return state;
  }

  void restore(Map<String, HostTensor> state, int steps) {
    restore(state, "m.", firstMoments);
    restore(state, "v.", secondMoments);
    this.updates = steps;
  }

  private void restore(Map<String, HostTensor> state, String prefix, Map<String, NDArray> moments) {
    moments.replaceAll(
        (name, old) -> {
          HostTensor t = state.get(prefix + name);
          if (t == null || !Arrays.equals(t.longShape(), old.getShape().getShape())) {
            throw new IllegalArgumentException(
                "optimizer state has no " + prefix + name + " of shape " + old.getShape());
          }
          ai.djl.ndarray.types.Shape shape = old.getShape();
          old.close();
          return manager.create(t.data(), shape);
        });
  }

  @Override
  public void close() {
    manager.close();
  }
}
