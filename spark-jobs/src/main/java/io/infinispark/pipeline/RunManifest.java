package io.infinispark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infinispark.model.Checkpoint;
import io.infinispark.model.ModelConfig;
import io.infinispark.runtime.ExecutorModels;
import java.io.IOException;
import java.time.Duration;
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
public final class RunManifest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** How often a running driver rewrites heartbeat_at. */
  static final Duration HEARTBEAT = Duration.ofSeconds(30);

  private final org.apache.hadoop.fs.Path file;
  private final org.apache.hadoop.conf.Configuration hadoop;
  private final ObjectNode root;
  private final Map<String, Map<String, Object>> stages = new LinkedHashMap<>();

  RunManifest(String runId, PipelineConfig config, ModelBundle model, SparkSession spark) {
    this.file = new org.apache.hadoop.fs.Path(config.runDir(), "manifest.json");
    this.hadoop = spark.sparkContext().hadoopConfiguration();
    this.root = JSON.createObjectNode();
    root.put("run_id", runId);
    root.put("status", "running");
    root.put("started_at", Instant.now().toString());
    driver();
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
    root.set("pipeline", JSON.valueToTree(config)); // what --resume runs again
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

  private RunManifest(
      org.apache.hadoop.fs.Path file,
      org.apache.hadoop.conf.Configuration hadoop,
      ObjectNode root) {
    this.file = file;
    this.hadoop = hadoop;
    this.root = root;
    root.path("stages")
        .fields()
        .forEachRemaining(e -> stages.put(e.getKey(), JSON.convertValue(e.getValue(), Map.class)));
  }

  /** The manifest of an existing run, to continue it. */
  static RunManifest reopen(SparkSession spark, String runDir) {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(runDir, "manifest.json");
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (var in = file.getFileSystem(hadoop).open(file)) {
      JsonNode read = JSON.readTree(in);
      if (!(read instanceof ObjectNode root) || !root.has("pipeline")) {
        throw new IllegalArgumentException(
            file + " is not the manifest of a run that can be resumed (no pipeline options)");
      }
      return new RunManifest(file, hadoop, root);
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("not a run directory (no manifest.json): " + runDir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file, e);
    }
  }

  JsonNode json() {
    return root;
  }

  /** The run's pipeline options as it started with them. */
  PipelineConfig pipeline() {
    try {
      return JSON.treeToValue(root.get("pipeline"), PipelineConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": unreadable pipeline options: " + e, e);
    }
  }

  boolean finished(String stage) {
    return stages.containsKey(stage);
  }

  /** Marks the run as running again, in this driver. */
  synchronized void resumed() {
    root.put("status", "running");
    root.remove("finished_at");
    root.remove("error");
    root.withArray("resumed_at").add(Instant.now().toString());
    driver();
    write();
  }

  synchronized void heartbeat() {
    root.put("heartbeat_at", Instant.now().toString());
    write();
  }

  private void driver() {
    ObjectNode d = root.putObject("driver");
    d.put("host", hostName());
    d.put("pid", ProcessHandle.current().pid());
    root.put("heartbeat_at", Instant.now().toString());
  }

  /**
   * How a run stands, as a reader should be told: its status, unless it says "running" while its
   * driver is gone (the process on this host has ended, or no heartbeat for three intervals) — then
   * it stopped without finishing, and {@code --resume} continues it.
   */
  public static String condition(JsonNode m, Instant now) {
    String status = m.path("status").asText();
    if (!status.equals("running")) {
      return status;
    }
    JsonNode d = m.path("driver");
    boolean here = d.path("host").asText().equals(hostName());
    if (here && d.has("pid") && ProcessHandle.of(d.path("pid").asLong()).isEmpty()) {
      return "stopped without finishing (its driver, process "
          + d.path("pid").asLong()
          + ", is gone; last heartbeat "
          + m.path("heartbeat_at").asText()
          + ")";
    }
    if (m.has("heartbeat_at")) {
      Instant last = Instant.parse(m.path("heartbeat_at").asText());
      if (last.plus(HEARTBEAT.multipliedBy(3)).isBefore(now)) {
        return "stopped without finishing (no heartbeat since " + last + ")";
      }
    }
    return "running";
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }

  synchronized void stage(String name, long millis, Map<String, Object> counts) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("millis", millis);
    entry.putAll(counts);
    stages.put(name, entry);
    write();
  }

  synchronized void finish(String status, String error) {
    root.put("status", status);
    root.put("finished_at", Instant.now().toString());
    if (error != null) {
      root.put("error", error);
    }
    write();
  }

  private synchronized void write() {
    root.set("stages", JSON.valueToTree(stages));
    try (var out = file.getFileSystem(hadoop).create(file, true)) {
      out.write(JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
  }
}
