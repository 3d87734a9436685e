package io.infinispark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Builds a lone InfiniAttention layer from a model's weights, for layer-level tests. */
final class LayerHarness {
  private LayerHarness() {}

  static InfiniAttention layer(NDManager m, ModelWeights w, int i) {
    ModelConfig c = w.config();
    return new InfiniAttention(
        c,
        array(m, w, WeightNames.q(i)),
        array(m, w, WeightNames.k(i)),
        array(m, w, WeightNames.v(i)),
        array(m, w, WeightNames.o(i)),
        array(m, w, WeightNames.gate(i)),
        new Rope(m, c.segmentLength(), c.dHead(), c.ropeTheta(), DataType.FLOAT32),
        InfiniTransformer.causalBias(m, c.segmentLength()));
  }

  private static NDArray array(NDManager m, ModelWeights w, String name) {
    HostTensor t = w.tensor(name);
    return m.create(t.data(), new Shape(t.longShape()));
  }
}
