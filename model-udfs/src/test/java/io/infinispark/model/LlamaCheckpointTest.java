package io.infinispark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Llama-architecture checkpoint in HuggingFace layout, written by the test, run by our blocks.
 */
class LlamaCheckpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Random random = new Random();

  /** Llama shape: GQA (4 query heads, 2 key/value heads), untied lm_head, θ = 500000. */
  private static final ModelConfig SHAPE =
      new ModelConfig(64, 32, 2, 4, 2, 8, 48, 16, MemoryRule.DELTA, 500000, 1e-5, false, 0);

  /** Writes config.json, two safetensors shards and their index, with HF tensor names only. */
  static Path writeLlama(Path dir, ModelWeights weights, double gateInit, boolean withGates)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode c = JSON.createObjectNode();
    c.put("model_type", "llama");
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("vocab_size", 64);
    c.put("hidden_size", 32);
    c.put("intermediate_size", 48);
    c.put("num_hidden_layers", 2);
    c.put("num_attention_heads", 4);
    c.put("num_key_value_heads", 2);
    c.put("hidden_act", "silu");
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 500000.0);
    c.putNull("rope_scaling");
    c.put("tie_word_embeddings", false);
    c.put("torch_dtype", "float32");
    c.put("infini_segment_length", 16);
    c.put("infini_gate_init", gateInit);
    JSON.writeValue(dir.resolve("config.json").toFile(), c);
    Map<String, HostTensor> first = new LinkedHashMap<>();
    Map<String, HostTensor> second = new LinkedHashMap<>();
    ObjectNode index = JSON.createObjectNode();
    ObjectNode weightMap = index.putObject("weight_map");
    for (Map.Entry<String, HostTensor> e : weights.tensors().entrySet()) {
      if (!withGates && e.getKey().endsWith("memory_gate")) {
        continue;
      }
      boolean early =
          e.getKey().startsWith("model.embed") || e.getKey().startsWith("model.layers.0.");
      (early ? first : second).put(e.getKey(), e.getValue());
      weightMap.put(
          e.getKey(),
          early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    Safetensors.write(
        dir.resolve("model-00001-of-00002.safetensors"), first, Safetensors.Dtype.BF16);
    Safetensors.write(
        dir.resolve("model-00002-of-00002.safetensors"), second, Safetensors.Dtype.BF16);
    JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
    return dir;
  }

  @Test
  void withTheMemoryGatedOffLogitsEqualAFloat64PlainLlamaForwardOnEachSegment(@TempDir Path dir)
      throws IOException {
    ModelWeights written = TestModels.randomWeights(SHAPE, random);
    ModelWeights loaded = Checkpoint.load(writeLlama(dir, written, -30, false));
    assertEquals(SHAPE.withGateInit(-30), loaded.config());
    assertTrue(
        loaded.provenance().contains("memory gates β=-30.0 added to 2 layers"),
        loaded.provenance());
    try (InfiniTransformer model = TestModels.load(loaded);
        NDManager base = NDManager.newBaseManager(Device.cpu());
        MemoryState state = model.newState(base, 1)) {
      for (int segment = 0; segment < 2; segment++) {
        int[] tokens = TestModels.randomTokens(random, 64, 16);
        double[] expected = TestModels.flatten(new ReferenceModel(loaded, false).step(tokens));
        float[] actual = TestModels.step(model, base, tokens, state);
        double error = TestModels.relativeError(expected, actual);
        assertTrue(error < 1e-4, "segment " + segment + ": relative error " + error);
      }
    }
  }

  @Test
  void gatesACheckpointAlreadyCarriesAreKept(@TempDir Path dir) throws IOException {
    ModelWeights written = TestModels.randomWeights(SHAPE, random);
    ModelWeights loaded = Checkpoint.load(writeLlama(dir, written, -10, true));
    assertEquals(
        written.tensor(WeightNames.gate(1)).data()[2],
        loaded.tensor(WeightNames.gate(1)).data()[2],
        Math.abs(written.tensor(WeightNames.gate(1)).data()[2]) / 128);
    assertTrue(!loaded.provenance().contains("added"), loaded.provenance());
  }

  @Test
  void aMissingShardOrTensorAndUnsupportedRopeScalingAreNamed(@TempDir Path dir)
      throws IOException {
    ModelWeights written = TestModels.randomWeights(SHAPE, random);
    Path llama = writeLlama(dir.resolve("a"), written, -10, false);
    Files.delete(llama.resolve("model-00002-of-00002.safetensors"));
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(llama));
    assertTrue(
        e.getMessage().contains("lists shard model-00002-of-00002.safetensors, which is missing"),
        e.getMessage());

    Path b = dir.resolve("b");
    writeLlama(b, written, -10, false);
    Safetensors.write(
        b.resolve("model-00002-of-00002.safetensors"),
        Map.of(WeightNames.FINAL_NORM, written.tensor(WeightNames.FINAL_NORM)),
        Safetensors.Dtype.F32);
    e = assertThrows(IOException.class, () -> Checkpoint.load(b));
    assertTrue(e.getMessage().contains("missing tensor model.layers.1."), e.getMessage());

    Path c = writeLlama(dir.resolve("c"), written, -10, false);
    ObjectNode config = (ObjectNode) JSON.readTree(c.resolve("config.json").toFile());
    config.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0);
    JSON.writeValue(c.resolve("config.json").toFile(), config);
    e = assertThrows(IOException.class, () -> Checkpoint.load(c));
    assertTrue(e.getMessage().contains("rope_scaling"), e.getMessage());
  }
}
