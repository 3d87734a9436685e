package io.infinispark.data;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files under an input path, grouped by format. Works on any Hadoop file system (local, HDFS,
 * S3A, ...). Hidden and bookkeeping files (names starting with '.' or '_') are skipped.
 */
public record InputFiles(
    List<String> text,
    List<String> jsonl,
    List<String> parquet,
    List<String> unsupported,
    List<String> empty,
    Map<String, String> unreadable) {

  /** True when no file could hold a document, nor was one that might left out. */
  public boolean isEmpty() {
    return text.isEmpty() && jsonl.isEmpty() && parquet.isEmpty() && unreadable.isEmpty();
  }

  public static InputFiles scan(String input, Configuration hadoop) {
    Path root = new Path(input);
    List<String> text = new ArrayList<>();
    List<String> jsonl = new ArrayList<>();
    List<String> parquet = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    Map<String, String> unreadable = new TreeMap<>();
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("input path does not exist: " + input);
      }
      for (FileStatus status : files(fs, root, unreadable)) {
        Path file = status.getPath();
        String name = file.getName();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String path = file.toString();
        // one file without read permission would otherwise fail the whole read of its format
        String why = status.getLen() > 0 && isDocumentFile(lower) ? unreadable(fs, file) : null;
        if (status.getLen() == 0) {
          empty.add(path); // Spark's binaryFile source would skip it without a word
        } else if (why != null) {
          unreadable.put(path, why);
        } else if (lower.endsWith(".txt")) {
          text.add(path);
        } else if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
          jsonl.add(path);
        } else if (lower.endsWith(".parquet")) {
          parquet.add(path);
        } else {
          unsupported.add(path);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read input path " + input + ": " + e.getMessage(), e);
    }
    text.sort(null);
    jsonl.sort(null);
    parquet.sort(null);
    unsupported.sort(null);
    empty.sort(null);
    return new InputFiles(text, jsonl, parquet, unsupported, empty, unreadable);
  }

  /**
   * Every file under {@code root}, each once: directories are entered once by their real location,
   * so a symbolic link back up the tree (a loop) or a second link to a directory adds nothing, and
   * a file reached by two paths is listed under the first. A link to nothing is unreadable.
   */
  private static List<FileStatus> files(FileSystem fs, Path root, Map<String, String> unreadable)
      throws IOException {
    List<FileStatus> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<FileStatus> pending = new ArrayDeque<>();
    pending.push(fs.getFileStatus(root));
    while (!pending.isEmpty()) {
      FileStatus status = pending.pop();
      if (!seen.add(realLocation(fs, status.getPath()))) {
        continue;
      }
      if (!status.isDirectory()) {
        out.add(status);
        continue;
      }
      FileStatus[] children = fs.listStatus(status.getPath());
      if (isLocal(fs)) {
        brokenLinks(status.getPath(), unreadable); // Hadoop's local listing drops them unsaid
      }
      Arrays.sort(
          children, Comparator.comparing((FileStatus c) -> c.getPath().getName()).reversed());
      for (FileStatus child : children) {
        if (child.isSymlink()) {
          try {
            child = fs.getFileStatus(child.getPath()); // what the link points at
          } catch (java.io.FileNotFoundException e) {
            unreadable.put(child.getPath().toString(), "a symbolic link to nothing");
            continue;
          }
        }
        pending.push(child);
      }
    }
    return out;
  }

  private static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  private static void brokenLinks(Path dir, Map<String, String> unreadable) throws IOException {
    try (var entries = java.nio.file.Files.list(java.nio.file.Path.of(dir.toUri()))) {
      entries
          .filter(e -> java.nio.file.Files.isSymbolicLink(e) && !java.nio.file.Files.exists(e))
          .forEach(
              e ->
                  unreadable.put(
                      new Path(dir, e.getFileName().toString()).toString(),
                      "a symbolic link to nothing"));
    }
  }

  /** Where a path really is: the target of every link on the local file system, else the path. */
  private static String realLocation(FileSystem fs, Path path) {
    if (!isLocal(fs)) {
      return path.toString();
    }
    try {
      return java.nio.file.Path.of(path.toUri()).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return path.toString();
    }
  }

  private static boolean isDocumentFile(String lowerName) {
    return lowerName.endsWith(".txt")
        || lowerName.endsWith(".jsonl")
        || lowerName.endsWith(".json")
        || lowerName.endsWith(".parquet");
  }

  /** Why {@code file} cannot be opened for reading, or null when it can. */
  private static String unreadable(FileSystem fs, Path file) {
    try {
      fs.open(file).close();
      return null;
    } catch (IOException e) {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
  }
}
