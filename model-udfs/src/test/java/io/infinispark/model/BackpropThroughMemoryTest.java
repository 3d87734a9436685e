package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The trainer's gradients, taken by DJL autograd through {@link InfiniTransformer#forward} over two
 * segments with the memory carried, equal central differences of the float64 reference model's
 * loss. The loss is on the second segment only, and one checked weight is the embedding row of a
 * token that occurs only in the first, which the second segment's loss reaches through the memory
 * (and, the embeddings being tied, as an output row); detaching the memory between the segments
 * makes this test fail.
 */
class BackpropThroughMemoryTest {

  @ParameterizedTest
  @EnumSource(MemoryRule.class)
  void gradientsMatchFiniteDifferencesOfTheReferenceModel(MemoryRule rule) {
    ModelConfig config = TestModels.tiny(rule);
    Random random = new Random();
    ModelWeights weights = TestModels.randomWeights(config, random);
    int t = config.segmentLength();
    int onlyInFirst = 0;
    int[] first = TestModels.randomTokens(random, config.vocabSize(), t);
    int[] second = TestModels.randomTokens(random, config.vocabSize(), t);
    first[random.nextInt(t)] = onlyInFirst;
    for (int i = 0; i < t; i++) {
      if (second[i] == onlyInFirst) {
        second[i] = 1;
      }
    }
    int[] targets = TestModels.randomTokens(random, config.vocabSize(), t);

    List<Coordinate> checked = new ArrayList<>();
    checked.add(
        new Coordinate(
            WeightNames.EMBED, onlyInFirst * config.dModel() + random.nextInt(config.dModel())));
    checked.add(new Coordinate(WeightNames.gate(1), random.nextInt(config.nHeads())));
    checked.add(
        new Coordinate(
            WeightNames.k(0),
            random.nextInt(config.nKvHeads() * config.dHead() * config.dModel())));
    checked.add(
        new Coordinate(
            WeightNames.v(0),
            random.nextInt(config.nKvHeads() * config.dHead() * config.dModel())));
    checked.add(
        new Coordinate(
            WeightNames.q(1), random.nextInt(config.nHeads() * config.dHead() * config.dModel())));
    checked.add(
        new Coordinate(
            WeightNames.mlpDown(0), random.nextInt(config.dModel() * config.ffnHidden())));
    checked.add(new Coordinate(WeightNames.attnNorm(1), random.nextInt(config.dModel())));

    Map<Coordinate, Double> autograd = autogradGradients(weights, first, second, targets, checked);
    for (Coordinate c : checked) {
      double numeric = finiteDifference(weights, first, second, targets, c);
      double analytic = autograd.get(c);
      assertTrue(
          Math.abs(numeric - analytic)
              <= 2e-2 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 2e-4,
          rule
              + " d loss / d "
              + c
              + ": autograd "
              + analytic
              + ", float64 finite difference "
              + numeric);
    }
    double throughMemory = autograd.get(checked.get(0));
    assertTrue(
        Math.abs(throughMemory) > 1e-6,
        "the first segment's token reaches the second's loss: " + throughMemory);
  }

  record Coordinate(String tensor, int index) {}

  private static Map<Coordinate, Double> autogradGradients(
      ModelWeights weights, int[] first, int[] second, int[] targets, List<Coordinate> checked) {
    ModelConfig c = weights.config();
    Map<Coordinate, Double> out = new LinkedHashMap<>();
    try (ModelParameters parameters = ModelParameters.forTraining(weights, Device.cpu());
        InfiniTransformer model = InfiniTransformer.over(parameters);
        NDManager scope = parameters.manager().newSubManager()) {
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        List<LayerMemory> memory = new ArrayList<>();
        for (int i = 0; i < c.nLayers(); i++) {
          memory.add(LayerMemory.empty(scope, c, 1));
        }
        NDArray keep = scope.ones(new Shape(1, first.length));
        InfiniTransformer.StepOutput one =
            model.forward(scope.create(first).reshape(1, -1), keep, memory);
        InfiniTransformer.StepOutput two =
            model.forward(scope.create(second).reshape(1, -1), keep, one.memory());
        long[] target64 = java.util.Arrays.stream(targets).asLongStream().toArray();
        NDArray nll =
            two.logits()
                .logSoftmax(-1)
                .gather(scope.create(target64).reshape(1, -1, 1), -1)
                .neg()
                .sum();
        collector.backward(nll);
      }
      for (Coordinate coordinate : checked) {
        NDArray gradient = parameters.get(coordinate.tensor()).getGradient();
        gradient.attach(scope);
        out.put(coordinate, (double) gradient.toFloatArray()[coordinate.index()]);
      }
    }
    return out;
  }

  /** Central difference of the float64 reference's loss; the step is what float32 storage holds. */
  private static double finiteDifference(
      ModelWeights weights, int[] first, int[] second, int[] targets, Coordinate c) {
    float original = weights.tensor(c.tensor()).data()[c.index()];
    float up = original + 1e-3f;
    float down = original - 1e-3f;
    double lossUp = referenceLoss(withValue(weights, c, up), first, second, targets);
    double lossDown = referenceLoss(withValue(weights, c, down), first, second, targets);
    return (lossUp - lossDown) / ((double) up - (double) down);
  }

  private static ModelWeights withValue(ModelWeights weights, Coordinate c, float value) {
    Map<String, HostTensor> tensors = new LinkedHashMap<>(weights.tensors());
    HostTensor t = weights.tensor(c.tensor());
    float[] data = t.data().clone();
    data[c.index()] = value;
    tensors.put(c.tensor(), new HostTensor(t.shape(), data));
    return new ModelWeights(weights.config(), tensors, weights.provenance());
  }

  private static double referenceLoss(
      ModelWeights weights, int[] first, int[] second, int[] targets) {
    ReferenceModel reference = new ReferenceModel(weights);
    reference.step(first);
    double[][] logits = reference.step(second);
    double loss = 0;
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double l : logits[i]) {
        max = Math.max(max, l);
      }
      double sum = 0;
      for (double l : logits[i]) {
        sum += Math.exp(l - max);
      }
      loss -= logits[i][targets[i]] - max - Math.log(sum);
    }
    return loss;
  }
}
