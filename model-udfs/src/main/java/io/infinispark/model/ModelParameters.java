package io.infinispark.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's named weights as device arrays, in the checkpoint's (HuggingFace) layout, all owned by
 * one manager. Inference loads them in any supported dtype; training loads them in float32 with
 * gradients on, and turns them back into {@link ModelWeights} for a checkpoint.
 */
public final class ModelParameters implements AutoCloseable {
  private final ModelConfig config;
  private final NDManager manager;
  private final DataType dtype;
  private final Map<String, NDArray> arrays;

  private ModelParameters(
      ModelWeights weights, NDManager manager, DataType dtype, boolean trainable) {
    this.config = weights.config();
    this.manager = manager;
    this.dtype = dtype;
    Map<String, NDArray> loaded = new LinkedHashMap<>();
    for (WeightNames.Spec spec : WeightNames.expected(config)) {
      HostTensor t = weights.tensor(spec.name());
      NDArray array = manager.create(t.data(), new Shape(t.longShape())).toType(dtype, false);
      array.setRequiresGradient(trainable);
      loaded.put(spec.name(), array);
    }
    this.arrays = Collections.unmodifiableMap(loaded);
  }

  /**
   * Weights for inference on {@code device} (float32 or float16 anywhere; bfloat16 on GPU only).
   */
  public static ModelParameters forInference(ModelWeights weights, Device device, DataType dtype) {
    Precision.check(dtype, device);
    return create(weights, device, dtype, false);
  }

  /** Float32 weights with gradients on, for a trainer. */
  public static ModelParameters forTraining(ModelWeights weights, Device device) {
    return create(weights, device, DataType.FLOAT32, true);
  }

  private static ModelParameters create(
      ModelWeights weights, Device device, DataType dtype, boolean trainable) {
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      return new ModelParameters(weights, manager, dtype, trainable);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  public ModelConfig config() {
    return config;
  }

  public DataType dtype() {
    return dtype;
  }

  public NDManager manager() {
    return manager;
  }

  /** Every weight by its checkpoint name, in {@link WeightNames#expected} order. */
  public Map<String, NDArray> arrays() {
    return arrays;
  }

  public NDArray get(String name) {
    NDArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException("model has no tensor named " + name);
    }
    return array;
  }

  /** A host copy of the current values, e.g. to write a checkpoint. */
  public ModelWeights toWeights(String provenance) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    arrays.forEach((name, array) -> tensors.put(name, HostTensor.copyOf(array)));
    return new ModelWeights(config, tensors, provenance);
  }

  @Override
  public void close() {
    manager.close();
  }
}
