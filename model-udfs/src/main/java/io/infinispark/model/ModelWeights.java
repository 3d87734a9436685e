package io.infinispark.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A model's config and its named weights in host memory, plus where the weights came from. This is
 * what a Spark job broadcasts; each executor turns it into device arrays once ({@link
 * InfiniTransformer#load}).
 *
 * @param provenance how the weights were made, e.g. {@code "random-init seed=1"} or {@code
 *     "trained: <checkpoint dir>"}; written into every run manifest
 */
public record ModelWeights(ModelConfig config, Map<String, HostTensor> tensors, String provenance)
    implements Serializable {

  public ModelWeights {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    validate(config, tensors);
  }

  /** True when the weights are an untrained seeded initialisation (outputs say so). */
  public boolean isRandomInit() {
    return provenance.startsWith("random-init");
  }

  /**
   * The same weights with every gate β set to {@code beta} (and the config's gateInit with it): a
   * restart of the memory's share for a fine-tune whose heads had left the memory.
   */
  public ModelWeights withGates(double beta) {
    Map<String, HostTensor> copy = new LinkedHashMap<>(tensors);
    for (int layer = 0; layer < config.nLayers(); layer++) {
      HostTensor gate = tensor(WeightNames.gate(layer));
      float[] values = new float[gate.data().length];
      Arrays.fill(values, (float) beta);
      copy.put(WeightNames.gate(layer), new HostTensor(gate.shape(), values));
    }
    return new ModelWeights(
        config.withGateInit(beta), copy, provenance + ", gates reset to β " + beta);
  }

  /**
   * sigmoid(β) of every head, per layer: the share of each head's output read from memory (near 1 a
   * memory head, near 0 a local one).
   */
  public double[][] memoryShares() {
    double[][] shares = new double[config.nLayers()][];
    for (int layer = 0; layer < shares.length; layer++) {
      float[] beta = tensor(WeightNames.gate(layer)).data();
      shares[layer] = new double[beta.length];
      for (int h = 0; h < beta.length; h++) {
        shares[layer][h] = memoryShare(beta[h]);
      }
    }
    return shares;
  }

  /** sigmoid(β): how much of a head's output its gate β takes from the memory. */
  public static double memoryShare(double beta) {
    return 1 / (1 + Math.exp(-beta));
  }

  public HostTensor tensor(String name) {
    HostTensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("model has no tensor named " + name);
    }
    return t;
  }

  /**
   * Seeded random initialisation: N(0, 0.02) for projections and embeddings, with the residual
   * output projections scaled by 1/sqrt(2·layers) (GPT-2's scheme), ones for norms, gateInit for β.
   */
  public static ModelWeights randomInit(ModelConfig config, long seed) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    double residualScale = 1 / Math.sqrt(2.0 * config.nLayers());
    for (WeightNames.Spec spec : WeightNames.expected(config)) {
      int size = Arrays.stream(spec.shape()).reduce(1, (a, b) -> a * b);
      float[] data = new float[size];
      String name = spec.name();
      if (name.endsWith("norm.weight")) {
        Arrays.fill(data, 1f);
      } else if (name.endsWith("memory_gate")) {
        Arrays.fill(data, (float) config.gateInit());
      } else {
        double std = 0.02;
        if (name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight")) {
          std *= residualScale;
        }
        Random random = new Random(seed * 1_000_003L + name.hashCode());
        for (int i = 0; i < size; i++) {
          data[i] = (float) (random.nextGaussian() * std);
        }
      }
      tensors.put(name, new HostTensor(spec.shape(), data));
    }
    return new ModelWeights(config, tensors, "random-init seed=" + seed);
  }

  private static void validate(ModelConfig config, Map<String, HostTensor> tensors) {
    for (WeightNames.Spec spec : WeightNames.expected(config)) {
      HostTensor t = tensors.get(spec.name());
      if (t == null) {
        throw new IllegalArgumentException(
            "missing tensor "
                + spec.name()
                + " (expected shape "
                + Arrays.toString(spec.shape())
                + ")");
      }
      if (!Arrays.equals(t.shape(), spec.shape())) {
        throw new IllegalArgumentException(
            "tensor "
                + spec.name()
                + " has shape "
                + Arrays.toString(t.shape())
                + ", expected "
                + Arrays.toString(spec.shape()));
      }
    }
  }
}
