package io.infinispark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.util.MutableURLClassLoader;

/**
 * Spark RAPIDS, optional: its jar (about 1 GB) is not in the default build; {@code run.sh} fetches
 * it from Maven Central when a run asks for the plugin and names it in {@code
 * INFINISPARK_RAPIDS_JAR}. The plugin loads its Spark-version shims into a mutable class loader,
 * which a JVM started with {@code java -cp} does not have (its application class loader is not a
 * URLClassLoader since Java 9): so the jar goes into one of Spark's own, made the thread's context
 * class loader before the session starts — what spark-submit does with {@code --jars}.
 */
final class Rapids {
  static final String PLUGIN = "com.nvidia.spark.SQLPlugin";
  static final String JAR_ENV = "INFINISPARK_RAPIDS_JAR";
  private static final String EXPLAINER = "com.nvidia.spark.rapids.GpuOverrides";

  /**
   * A physical operator's line of the plugin's explanation: "*Exec &lt;SortExec&gt; will run on
   * GPU", "!Exec &lt;…&gt; cannot run on GPU", or "! &lt;DeserializeToObjectExec&gt; cannot …".
   */
  private static final Pattern OPERATOR =
      Pattern.compile("^\\s*([*!])(?:Exec)? ?<(\\w+Exec)> (?:will|cannot)", Pattern.MULTILINE);

  private Rapids() {}

  /** Whether these Spark settings switch the plugin on. */
  static boolean wanted(Map<String, String> settings) {
    return settings.getOrDefault("spark.plugins", "").contains(PLUGIN);
  }

  /**
   * The settings of {@code --rapids-explain}: the plugin on, planning only, every decision logged.
   */
  static Map<String, String> explainOnly() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.plugins", PLUGIN);
    conf.put("spark.rapids.sql.mode", "explainOnly");
    conf.put("spark.rapids.sql.explain", "ALL");
    // its shuffle manager is for GPU runs; on the CPU it only fails to register executors
    conf.put("spark.rapids.shuffle.enabled", "false");
    return conf;
  }

  /**
   * Makes the plugin loadable in this JVM and ships its jar to executors ({@code spark.jars}).
   *
   * @throws IllegalArgumentException when the jar is not there, saying how to get it
   */
  static void install(Map<String, String> settings) {
    String jar = System.getenv(JAR_ENV);
    if (jar == null) {
      jar = System.getProperty("infinispark.rapids.jar");
    }
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalArgumentException(
          "Spark RAPIDS (spark.plugins="
              + PLUGIN
              + ") needs its jar, which the default build leaves out (about 1 GB): run.sh fetches"
              + " it for --rapids-explain and for runs with conf/rapids.conf; otherwise set "
              + JAR_ENV
              + " to rapids-4-spark_2.13-<version>.jar"
              + (jar == null ? "" : " (" + jar + " does not exist)"));
    }
    try {
      URL url = Path.of(jar).toUri().toURL();
      ClassLoader current = Thread.currentThread().getContextClassLoader();
      Thread.currentThread()
          .setContextClassLoader(new MutableURLClassLoader(new URL[] {url}, current));
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(jar + ": " + e.getMessage(), e);
    }
    settings.merge("spark.jars", jar, (a, b) -> a + "," + b);
  }

  /** Collects what the plugin's planner says about every plan, from when it is created. */
  static final class Explanation implements AutoCloseable {
    private final StringWriter text = new StringWriter();
    private final WriterAppender appender;
    private final LoggerContext context;

    Explanation() {
      context = (LoggerContext) LogManager.getContext(false);
      Configuration config = context.getConfiguration();
      appender =
          WriterAppender.newBuilder()
              .setName("rapids-explain")
              .setTarget(text)
              .setLayout(PatternLayout.newBuilder().withPattern("%m%n").build())
              .build();
      appender.start();
      config.addAppender(appender);
      LoggerConfig logger = new LoggerConfig(EXPLAINER, Level.ALL, false);
      logger.addAppender(appender, Level.ALL, null);
      config.addLogger(EXPLAINER, logger);
      context.updateLoggers();
    }

    String text() {
      return text.toString();
    }

    /**
     * Writes the planner's decisions to {@code rapids-explain.txt} in the run directory and a count
     * of operators by decision into its manifest ({@code rapids_explain}).
     */
    void writeInto(Path runDir) throws IOException {
      String all = text();
      Files.writeString(runDir.resolve("rapids-explain.txt"), all, StandardCharsets.UTF_8);
      Map<String, Integer> onGpu = new TreeMap<>();
      Map<String, Integer> notOnGpu = new TreeMap<>();
      Matcher m = OPERATOR.matcher(all);
      while (m.find()) {
        (m.group(1).equals("*") ? onGpu : notOnGpu).merge(m.group(2), 1, Integer::sum);
      }
      ObjectMapper json = new ObjectMapper();
      Path manifest = runDir.resolve("manifest.json");
      ObjectNode root = (ObjectNode) json.readTree(manifest.toFile());
      ObjectNode explain = root.putObject("rapids_explain");
      explain.put("file", "rapids-explain.txt");
      explain.set("would_run_on_gpu", json.valueToTree(onGpu));
      explain.set("would_stay_on_cpu", json.valueToTree(notOnGpu));
      json.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), root);
    }

    /** Operators the planner would put on the GPU, by name, as many times as it said so. */
    List<String> onGpu() {
      List<String> names = new ArrayList<>();
      Matcher m = OPERATOR.matcher(text());
      while (m.find()) {
        if (m.group(1).equals("*")) {
          names.add(m.group(2));
        }
      }
      return names;
    }

    @Override
    public void close() {
      context.getConfiguration().removeLogger(EXPLAINER);
      context.updateLoggers();
      appender.stop();
    }
  }
}
