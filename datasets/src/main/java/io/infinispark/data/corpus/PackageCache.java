package io.infinispark.data.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian and npm packages fetched once into a cache directory and unpacked there, never installed:
 * {@code apt-get download} + {@code dpkg -x}, {@code npm pack} + {@code tar}. Everything already in
 * the cache is reused, so a second run is offline.
 */
final class PackageCache {
  private final Path root;

  PackageCache(Path root) {
    this.root = root;
  }

  /** The unpacked tree of a Debian package (its files under usr/...), fetching it if needed. */
  Path debian(String name) throws IOException {
    Path archives = Files.createDirectories(root.resolve("debs"));
    Path deb = find(archives, name + "_", ".deb");
    if (deb == null) {
      try {
        run(archives, "apt-get", "download", name);
      } catch (IOException noPackageLists) {
        // a fresh machine may have no package lists yet: fetch them once and try again
        run(archives, "apt-get", "update", "-qq");
        run(archives, "apt-get", "download", name);
      }
      deb = find(archives, name + "_", ".deb");
      if (deb == null) {
        throw new IOException("apt-get download " + name + " produced no .deb in " + archives);
      }
    }
    Path tree = root.resolve("unpacked").resolve(name);
    if (!Files.isDirectory(tree)) {
      Path partial = Files.createDirectories(root.resolve("unpacked").resolve(name + ".partial"));
      run(partial, "dpkg", "-x", deb.toString(), ".");
      Files.move(partial, tree);
    }
    return tree;
  }

  /** The version recorded in a fetched .deb's control file. */
  String debianVersion(String name) throws IOException {
    Path deb = find(root.resolve("debs"), name + "_", ".deb");
    return deb == null ? "unknown" : deb.getFileName().toString().split("_")[1];
  }

  /** The unpacked {@code package/} directory of an npm package, fetching it if needed. */
  Path npm(String name) throws IOException {
    Path archives = Files.createDirectories(root.resolve("npm"));
    Path tgz = find(archives, name + "-", ".tgz");
    if (tgz == null) {
      run(archives, "npm", "pack", "--silent", name);
      tgz = find(archives, name + "-", ".tgz");
      if (tgz == null) {
        throw new IOException("npm pack " + name + " produced no .tgz in " + archives);
      }
    }
    Path tree = root.resolve("unpacked").resolve("npm-" + name);
    if (!Files.isDirectory(tree)) {
      Path partial =
          Files.createDirectories(root.resolve("unpacked").resolve("npm-" + name + ".partial"));
      run(partial, "tar", "xzf", tgz.toString());
      Files.move(partial, tree);
    }
    return tree.resolve("package");
  }

  String npmVersion(String name) throws IOException {
    Path tgz = find(root.resolve("npm"), name + "-", ".tgz");
    String file = tgz == null ? "" : tgz.getFileName().toString();
    return file.isEmpty()
        ? "unknown"
        : file.substring(name.length() + 1, file.length() - ".tgz".length());
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path find(Path dir, String prefix, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(suffix))
          .sorted()
          .findFirst()
          .orElse(null);
    }
  }

  private static void run(Path dir, String... command) throws IOException {
    Process process =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed in " + dir + ":\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
