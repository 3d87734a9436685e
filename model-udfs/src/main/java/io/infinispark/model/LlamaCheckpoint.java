package io.infinispark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads a HuggingFace Llama-architecture checkpoint ({@code model_type: llama}; one {@code
 * model.safetensors} or shards listed in {@code model.safetensors.index.json}) into our blocks: its
 * tensor names are ours already. Infini-attention adds what Llama lacks, read from optional {@code
 * config.json} fields:
 *
 * <ul>
 *   <li>{@code infini_segment_length} (default 2048): tokens per segment;
 *   <li>{@code infini_memory_rule} (default delta);
 *   <li>{@code infini_memory_key_shift} (default 0, the paper's form; see {@link
 *       ModelConfig#memoryKeyShift});
 *   <li>{@code infini_gate_init} (default −10): β for layers whose checkpoint carries no {@code
 *       self_attn.memory_gate}. sigmoid(−10) ≈ 4.5e-5, so an untrained memory barely touches a
 *       pretrained model until the gates are trained; a checkpoint that has gates keeps them.
 * </ul>
 */
public final class LlamaCheckpoint {
  public static final String MODEL_TYPE = "llama";
  private static final String INDEX = "model.safetensors.index.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LlamaCheckpoint() {}

  public static ModelWeights load(Path dir) throws IOException {
    Path configFile = dir.resolve(Checkpoint.CONFIG);
    JsonNode c = JSON.readTree(configFile.toFile());
    ModelConfig config = config(c, configFile);
    Map<String, HostTensor> found = readTensors(dir);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    int gatesAdded = 0;
    for (WeightNames.Spec spec : WeightNames.expected(config)) {
      HostTensor t = found.get(spec.name());
      if (t == null && spec.name().endsWith("memory_gate")) {
        float[] beta = new float[config.nHeads()];
        Arrays.fill(beta, (float) config.gateInit());
        t = new HostTensor(spec.shape(), beta);
        gatesAdded++;
      }
      if (t != null) {
        tensors.put(spec.name(), t);
      }
    }
    String provenance = "llama checkpoint " + dir.toAbsolutePath().normalize();
    if (gatesAdded > 0) {
      provenance +=
          String.format(
              Locale.ROOT,
              " + memory gates β=%s added to %d layers",
              config.gateInit(),
              gatesAdded);
    }
    try {
      return new ModelWeights(config, tensors, provenance); // names a missing or misshapen tensor
    } catch (IllegalArgumentException e) {
      throw new IOException(dir + ": " + e.getMessage(), e);
    }
  }

  static ModelConfig config(JsonNode c, Path file) throws IOException {
    JsonNode scaling = c.get("rope_scaling");
    if (scaling != null && !scaling.isNull()) {
      throw new IOException(file + ": rope_scaling " + scaling + " is not supported yet");
    }
    String activation = c.path("hidden_act").asText("silu");
    if (!activation.equals("silu")) {
      throw new IOException(
          file + ": hidden_act " + activation + " is not supported (SwiGLU uses silu)");
    }
    if (c.path("attention_bias").asBoolean(false) || c.path("mlp_bias").asBoolean(false)) {
      throw new IOException(file + ": attention or MLP biases are not supported");
    }
    int hidden = required(c, "hidden_size", file);
    int heads = required(c, "num_attention_heads", file);
    try {
      return new ModelConfig(
          required(c, "vocab_size", file),
          hidden,
          required(c, "num_hidden_layers", file),
          heads,
          c.path("num_key_value_heads").asInt(heads),
          c.path("head_dim").asInt(hidden / heads),
          required(c, "intermediate_size", file),
          c.path("infini_segment_length").asInt(2048),
          MemoryRule.valueOf(c.path("infini_memory_rule").asText("delta").toUpperCase(Locale.ROOT)),
          c.path("rope_theta").asDouble(10000),
          c.path("rms_norm_eps").asDouble(1e-6),
          c.path("tie_word_embeddings").asBoolean(false),
          c.path("infini_gate_init").asDouble(-10),
          c.path("infini_memory_key_shift").asDouble(0));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /** All tensors of a single-file or sharded checkpoint. */
  private static Map<String, HostTensor> readTensors(Path dir) throws IOException {
    Path single = dir.resolve(Checkpoint.WEIGHTS);
    Path index = dir.resolve(INDEX);
    if (Files.exists(index)) {
      JsonNode weightMap = JSON.readTree(index.toFile()).path("weight_map");
      Map<String, HostTensor> all = new LinkedHashMap<>();
      TreeSet<String> shards = new TreeSet<>();
      weightMap.forEach(file -> shards.add(file.asText()));
      for (String shard : shards) {
        Path file = dir.resolve(shard);
        if (!Files.exists(file)) {
          throw new IOException(index + " lists shard " + shard + ", which is missing");
        }
        all.putAll(Safetensors.read(file));
      }
      return all;
    }
    if (Files.exists(single)) {
      return Safetensors.read(single);
    }
    throw new IOException(dir + " has neither " + Checkpoint.WEIGHTS + " nor " + INDEX);
  }

  private static int required(JsonNode c, String field, Path file) throws IOException {
    JsonNode value = c.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new IOException(file + ": missing or non-integer " + field);
    }
    return value.asInt();
  }
}
