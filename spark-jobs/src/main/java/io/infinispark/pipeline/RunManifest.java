package io.infinispark.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.ModelConfig;
import io.infinispark.runtime.ExecutorModels;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * manifest.json beside a run's tables: what ran (model, config hash, whether the weights are a
 * random init), on what (inputs), how (options, Spark conf, versions), how long each stage took and
 * how it ended. Rewritten after every stage, so a failed run still says how far it got.
 */
final class RunManifest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final org.apache.hadoop.fs.Path file;
  private final org.apache.hadoop.conf.Configuration hadoop;
  private final ObjectNode root = JSON.createObjectNode();
  private final Map<String, Map<String, Object>> stages = new LinkedHashMap<>();

  RunManifest(String runId, PipelineConfig config, ModelBundle model, SparkSession spark) {
    this.file = new org.apache.hadoop.fs.Path(config.runDir(), "manifest.json");
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    root.put("run_id", runId);
    root.put("status", "running");
    root.put("started_at", Instant.now().toString());
    ObjectNode m = root.putObject("model");
    ModelConfig c = model.weights().config();
    m.put("dir", model.dir().toAbsolutePath().normalize().toString());
    m.put("config_hash", Checkpoint.configHash(c));
    m.put("provenance", model.weights().provenance());
    m.put("random_init", model.weights().isRandomInit());
    m.put("parameters", c.parameterCount());
    ArrayNode gates =
        m.putArray("memory_shares"); // sigmoid(β) per layer and head, so the report needs no model
    for (double[] layer : model.weights().memoryShares()) {
      ArrayNode heads = gates.addArray();
      for (double share : layer) {
        heads.add(share);
      }
    }
    m.set("config", JSON.valueToTree(c));
    root.put("input", config.input());
    root.set("options", JSON.valueToTree(config.recur()));
    ObjectNode s = root.putObject("spark");
    s.put("master", spark.sparkContext().master());
    s.put("version", spark.version());
    s.put("app_id", spark.sparkContext().applicationId());
    Map<String, String> conf = new TreeMap<>();
    for (scala.Tuple2<String, String> kv : spark.sparkContext().getConf().getAll()) {
      conf.put(kv._1(), kv._2());
    }
    s.set("conf", JSON.valueToTree(conf));
    ObjectNode v = root.putObject("versions");
    v.put("java", System.getProperty("java.version"));
    v.put("spark", spark.version());
    Map<String, String> engine = ExecutorModels.engineVersions();
    v.put("djl", engine.get("djl"));
    v.put("pytorch", engine.get("pytorch"));
    String version = RunManifest.class.getPackage().getImplementationVersion();
    v.put("infini_spark", version != null ? version : "dev (classes, not a jar)");
  }

  void stage(String name, long millis, Map<String, Object> counts) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("millis", millis);
    entry.putAll(counts);
    stages.put(name, entry);
    write();
  }

  void finish(String status, String error) {
    root.put("status", status);
    root.put("finished_at", Instant.now().toString());
    if (error != null) {
      root.put("error", error);
    }
    write();
  }

  private void write() {
    root.set("stages", JSON.valueToTree(stages));
    try (var out = file.getFileSystem(hadoop).create(file, true)) {
      out.write(JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
  }
}
