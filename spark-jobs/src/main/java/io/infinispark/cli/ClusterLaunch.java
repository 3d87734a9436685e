package io.infinispark.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * What a Spark master outside this JVM needs from the driver: our code and the libraries a cluster
 * lacks (shipped as {@code spark.jars}), and, for Spark's {@code local-cluster} master, a Spark
 * home whose {@code jars/} holds Spark itself (its workers build each executor's class path from
 * it).
 */
final class ClusterLaunch {
  private ClusterLaunch() {}

  /** Spark runs in this JVM: {@code local}, {@code local[N]}, {@code local[N,F]}. */
  static boolean embedded(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  static boolean localCluster(String master) {
    return master.startsWith("local-cluster[");
  }

  /**
   * Jars for {@code spark.jars}: ours, DJL with its natives, picocli; class-path directories (an
   * IDE's or the test suite's target/classes) are packed into jars under {@code scratch} first,
   * since Spark ships only files.
   */
  static List<String> shippedJars(String classPath, Path scratch) {
    List<String> out = new ArrayList<>();
    for (String entry : entries(classPath)) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p) && containsOurClasses(p)) {
        out.add(packDirectory(p, scratch.resolve("classes-" + out.size() + ".jar")).toString());
      } else if (entry.endsWith(".jar") && isShipped(entry)) {
        out.add(entry);
      }
    }
    return out;
  }

  /**
   * Makes {@code sparkHome} usable by {@code local-cluster} workers: when it has no {@code jars/},
   * one is made of links to the Spark jars on {@code classPath} (everything not shipped), plus the
   * build-layout marker Spark's launcher reads the Scala version from when SPARK_SCALA_VERSION is
   * unset. A real Spark installation (with {@code jars/}) is left as it is.
   */
  static void prepareLocalClusterHome(Path sparkHome, String classPath) throws IOException {
    Path jars = sparkHome.resolve("jars");
    if (Files.isDirectory(jars)) {
      return;
    }
    Path staging = Files.createDirectories(sparkHome.resolve("jars.partial"));
    for (String entry : entries(classPath)) {
      Path jar = Path.of(entry).toAbsolutePath();
      Path link = staging.resolve(jar.getFileName());
      if (entry.endsWith(".jar") && !isShipped(entry) && !Files.exists(link)) {
        Files.createSymbolicLink(link, jar);
      }
    }
    Files.createDirectories(sparkHome.resolve("launcher/target/scala-2.13"));
    // a rename, so a run killed while linking never leaves a jars/ that looks complete
    Files.move(staging, jars);
  }

  private static List<String> entries(String classPath) {
    return Arrays.stream(classPath.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
  }

  private static boolean isShipped(String jar) {
    return jar.contains("infinispark")
        || jar.contains("/ai/djl/")
        || jar.contains("picocli")
        || jar.matches(".*/(model-udfs|datasets|spark-jobs)-[^/]*\\.jar");
  }

  private static boolean containsOurClasses(Path dir) {
    return Files.isDirectory(dir.resolve("io/infinispark"));
  }

  private static Path packDirectory(Path dir, Path jar) {
    jar.toFile().deleteOnExit();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(
            new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, (OutputStream) out);
        out.closeEntry();
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack " + dir + " into " + jar, e);
    }
  }
}
