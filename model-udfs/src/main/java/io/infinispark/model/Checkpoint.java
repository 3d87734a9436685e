package io.infinispark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * A model directory in HuggingFace style: {@code config.json}, {@code model.safetensors}, {@code
 * tokenizer.json}. A directory without weights holds a config whose {@code init_seed} names a
 * seeded random initialisation; the loaded weights then say so in their provenance.
 */
public final class Checkpoint {
  public static final String MODEL_TYPE = "infini-transformer";
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String TOKENIZER = "tokenizer.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoint() {}

  /**
   * Our own model directories, and HuggingFace Llama-architecture ones ({@link LlamaCheckpoint}).
   */
  public static ModelWeights load(Path dir) throws IOException {
    Path configFile = dir.resolve(CONFIG);
    if (Files.isRegularFile(configFile)
        && LlamaCheckpoint.MODEL_TYPE.equals(
            JSON.readTree(configFile.toFile()).path("model_type").asText())) {
      return LlamaCheckpoint.load(dir);
    }
    ModelConfig config = readConfig(dir);
    Path weights = dir.resolve(WEIGHTS);
    if (!Files.exists(weights)) {
      JsonNode seed = JSON.readTree(dir.resolve(CONFIG).toFile()).get("init_seed");
      if (seed == null) {
        throw new IOException(
            dir + " has no " + WEIGHTS + " and its " + CONFIG + " names no init_seed");
      }
      return ModelWeights.randomInit(config, seed.asLong());
    }
    Map<String, HostTensor> tensors = Safetensors.read(weights);
    return new ModelWeights(config, tensors, "checkpoint " + dir.toAbsolutePath().normalize());
  }

  public static void save(ModelWeights weights, Path dir, Safetensors.Dtype dtype)
      throws IOException {
    Files.createDirectories(dir);
    writeConfig(weights.config(), dir.resolve(CONFIG), null);
    Safetensors.write(dir.resolve(WEIGHTS), weights.tensors(), dtype);
  }

  public static ModelConfig readConfig(Path dir) throws IOException {
    Path file = dir.resolve(CONFIG);
    if (!Files.isRegularFile(file)) {
      throw new IOException("model directory " + dir + " has no " + CONFIG);
    }
    JsonNode c = JSON.readTree(file.toFile());
    String type = c.path("model_type").asText();
    if (!MODEL_TYPE.equals(type)) {
      throw new IOException(
          file
              + ": model_type is '"
              + type
              + "', expected "
              + MODEL_TYPE
              + " or "
              + LlamaCheckpoint.MODEL_TYPE);
    }
    try {
      return new ModelConfig(
          required(c, "vocab_size").asInt(),
          required(c, "d_model").asInt(),
          required(c, "n_layers").asInt(),
          required(c, "n_heads").asInt(),
          c.path("n_kv_heads").asInt(required(c, "n_heads").asInt()),
          required(c, "d_head").asInt(),
          required(c, "ffn_hidden").asInt(),
          required(c, "segment_length").asInt(),
          MemoryRule.valueOf(required(c, "memory_rule").asText().toUpperCase(Locale.ROOT)),
          c.path("rope_theta").asDouble(10000),
          c.path("norm_eps").asDouble(1e-5),
          c.path("tied_embeddings").asBoolean(true),
          c.path("gate_init").asDouble(0),
          c.path("memory_key_shift").asDouble(0));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public static void writeConfig(ModelConfig c, Path file, Long initSeed) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("model_type", MODEL_TYPE);
    o.put("vocab_size", c.vocabSize());
    o.put("d_model", c.dModel());
    o.put("n_layers", c.nLayers());
    o.put("n_heads", c.nHeads());
    o.put("n_kv_heads", c.nKvHeads());
    o.put("d_head", c.dHead());
    o.put("ffn_hidden", c.ffnHidden());
    o.put("segment_length", c.segmentLength());
    o.put("memory_rule", c.memoryRule().name().toLowerCase(Locale.ROOT));
    o.put("rope_theta", c.ropeTheta());
    o.put("norm_eps", c.normEps());
    o.put("tied_embeddings", c.tiedEmbeddings());
    o.put("gate_init", c.gateInit());
    if (c.memoryKeyShift()
        != 0) { // absent is the paper's form, so older configs stay byte-identical
      o.put("memory_key_shift", c.memoryKeyShift());
    }
    if (initSeed != null) {
      o.put("init_seed", initSeed);
    }
    Files.writeString(
        file,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n",
        StandardCharsets.UTF_8);
  }

  /** SHA-256 of the config's canonical JSON: which architecture produced a result. */
  public static String configHash(ModelConfig c) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(c.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode required(JsonNode c, String field) {
    JsonNode value = c.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field " + field);
    }
    return value;
  }
}
